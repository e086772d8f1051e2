import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  USER_DETAIL_ID,
  type UserActionProblems,
  UserAdminPage,
  UserDetail,
} from "../../../views/admin/users/user-page.tsx";
import { USER_RESULTS_ID, UserResults, UsersPage } from "../../../views/admin/users/users-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { fieldErrors, notFound } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import { findAdminUser, listUsers } from "./queries.ts";
import { disabledSchema, roleChangeSchema, userFiltersSchema } from "./schema.ts";
import { finish, FIX_FIELDS, idOf, noStore, refusal, text } from "../shared/form-kit.ts";
import { PAGE_SIZE, pageCount, pageOf } from "../shared/lists.ts";

type Ctx = Context<AppEnv>;

const flashes: Record<string, string> = {
  role: "The role was changed. It applies from the user's next request.",
  disabled: "The account was disabled and signed out everywhere.",
  enabled: "The account was re-enabled. The user can sign in again.",
  deleted: "The account was deleted and signed out everywhere. Its orders stay, without the " +
    "person's details.",
};

/** Accounts for admins: find people, change their role, disable or re-enable them. */
export function userAdminRoutes({ shop, sql, format, accounts }: AdminDeps) {
  const { manage, erasure } = accounts;
  const onlyAdmins = requireRole("admin");
  /** Account dates need their year: "Sat 21 Nov 2026" on the shop's calendar. */
  const day = format.datedDay;

  const detailPage = async (
    c: Ctx,
    id: number,
    more: { flash?: string; problems?: UserActionProblems } = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const fragment = wantsFragment(c, USER_DETAIL_ID);
    const user = await findAdminUser(sql, id);
    if (!user) throw notFound("That user");
    const view = {
      user,
      isSelf: user.id === c.get("user")!.id,
      csrfToken: c.get("csrfToken")(),
      problems: more.problems,
      date: day,
      dateTime: format.dateTime,
    };
    noStore(c);
    if (fragment) return c.html(<UserDetail {...view} />, status);
    return c.html(
      <UserAdminPage shop={shop} viewer={viewerOf(c)} flash={more.flash} {...view} />,
      status,
    );
  };

  /** Runs a change from accounts/manage.ts; its refusals are shown beside the form. */
  const attempt = async (
    c: Ctx,
    id: number,
    form: UserActionProblems["form"],
    run: () => Promise<unknown>,
    done: string,
  ) => {
    try {
      await run();
    } catch (error) {
      const { status, message } = refusal(error);
      if (status === 404) throw error;
      return detailPage(c, id, { problems: { form, error: message } }, status);
    }
    return finish(c, USER_DETAIL_ID, `/admin/users/${id}?done=${done}`);
  };

  return new Hono<AppEnv>()
    .get("/admin/users", onlyAdmins, async (c) => {
      const fragment = wantsFragment(c, USER_RESULTS_ID);
      const query = c.req.query();
      const filters = userFiltersSchema.parse(query);
      const page = pageOf(query.page);
      const { users, total } = await listUsers(sql, filters, {
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      });
      const view = {
        filters,
        users,
        total,
        page,
        pageCount: pageCount(total),
        date: day,
        dateTime: format.dateTime,
      };
      noStore(c);
      if (fragment) return c.html(<UserResults {...view} />);
      return c.html(<UsersPage shop={shop} viewer={viewerOf(c)} {...view} />);
    })
    .get("/admin/users/:id", onlyAdmins, (c) => {
      const id = idOf(c, "That user");
      return detailPage(c, id, { flash: flashes[c.req.query("done") ?? ""] });
    })
    .post("/admin/users/:id/role", onlyAdmins, async (c) => {
      const id = idOf(c, "That user");
      const parsed = roleChangeSchema.safeParse({ role: text(await c.req.parseBody(), "role") });
      if (!parsed.success) {
        const problems = {
          form: "role" as const,
          error: FIX_FIELDS,
          fields: fieldErrors(parsed.error),
        };
        return detailPage(c, id, { problems }, 422);
      }
      const role = parsed.data.role;
      return attempt(
        c,
        id,
        "role",
        () => manage.setRole(c.get("user")!, id, role, c.get("meta")),
        "role",
      );
    })
    .post("/admin/users/:id/disabled", onlyAdmins, async (c) => {
      const id = idOf(c, "That user");
      const body = await c.req.parseBody();
      const parsed = disabledSchema.safeParse({ disabled: text(body, "disabled") });
      if (!parsed.success) {
        const problems = {
          form: "disabled" as const,
          error: parsed.error.issues[0]?.message ?? FIX_FIELDS,
        };
        return detailPage(c, id, { problems }, 422);
      }
      const disabled = parsed.data.disabled;
      return attempt(
        c,
        id,
        "disabled",
        () => manage.setDisabled(c.get("user")!, id, disabled, c.get("meta")),
        disabled ? "disabled" : "enabled",
      );
    })
    // On the customer's request: their data, and deleting their account.
    .get("/admin/users/:id/export", onlyAdmins, async (c) => {
      const id = idOf(c, "That user");
      const data = await erasure.exportData(c.get("user")!, id, c.get("meta"));
      noStore(c);
      c.header("Content-Disposition", `attachment; filename="account-${id}-data.json"`);
      return c.json(data);
    })
    .post("/admin/users/:id/delete", onlyAdmins, async (c) => {
      const id = idOf(c, "That user");
      const user = await findAdminUser(sql, id);
      if (!user) throw notFound("That user");
      const typed = text(await c.req.parseBody(), "confirm").trim();
      if (typed.toLowerCase() !== user.email.toLowerCase()) {
        const message = "Type the email address of this account to confirm.";
        const problems = { form: "delete" as const, error: message, fields: { confirm: message } };
        return detailPage(c, id, { problems }, 422);
      }
      return attempt(
        c,
        id,
        "delete",
        () => erasure.deleteForCustomer(c.get("user")!, id, c.get("meta")),
        "deleted",
      );
    });
}
