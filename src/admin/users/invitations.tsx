import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  InvitationsPage,
  INVITE_FORM_ID,
  InviteForm,
  type InviteFormView,
} from "../../../views/admin/users/invitations-page.tsx";
import { listUnacceptedInvitations } from "../../accounts/invitation-queries.ts";
import { requireRole } from "../../accounts/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { AppError, fieldErrors } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import { finish, FIX_FIELDS, flashOf, idOf, noStore, refusal, text } from "../shared/form-kit.ts";
import { inviteSchema } from "./invitation-schema.ts";

type Ctx = Context<AppEnv>;

const flashes: Record<string, string> = {
  invited: "Invitation sent. The link is below too, to give in person if the mail is slow.",
  renewed: "A new invitation was sent. The previous link no longer works.",
  withdrawn: "The invitation was withdrawn. Its link no longer works.",
};

/** Invitations on the users screen: invite, send again, withdraw, see who is waiting. */
export function invitationAdminRoutes({ shop, sql, format, accounts, publicUrl }: AdminDeps) {
  const { invitations } = accounts;
  const onlyAdmins = requireRole("admin");

  const page = async (
    c: Ctx,
    form: Omit<InviteFormView, "csrfToken"> = {},
    status: ContentfulStatusCode = 200,
  ) => {
    const csrfToken = c.get("csrfToken")();
    noStore(c);
    if (status !== 200 && wantsFragment(c, INVITE_FORM_ID)) {
      return c.html(<InviteForm csrfToken={csrfToken} {...form} />, status);
    }
    const rows = await listUnacceptedInvitations(sql);
    const base = publicUrl ?? new URL(c.req.url).origin;
    return c.html(
      <InvitationsPage
        shop={shop}
        viewer={viewerOf(c)}
        flash={flashOf(c, flashes)}
        csrfToken={csrfToken}
        invitations={rows.map((i) => ({ ...i, link: base + invitations.pathOf(i) }))}
        dateTime={format.dateTime}
        {...form}
      />,
      status,
    );
  };

  /** Send again or withdraw; a refusal shows on the page with what was refused. */
  const act = async (c: Ctx, run: (id: number) => Promise<unknown>, done: string) => {
    const id = idOf(c, "That user");
    try {
      await run(id);
    } catch (error) {
      const { status, message } = refusal(error);
      return page(c, { error: message }, status);
    }
    return c.redirect(`/admin/users/invitations?done=${done}`, 303);
  };

  return new Hono<AppEnv>()
    .get("/admin/users/invitations", onlyAdmins, (c) => page(c))
    .post("/admin/users/invitations", onlyAdmins, async (c) => {
      const body = await c.req.parseBody();
      const values = {
        email: text(body, "email"),
        name: text(body, "name"),
        role: text(body, "role"),
      };
      const parsed = inviteSchema.safeParse(values);
      if (!parsed.success) {
        return page(c, { values, error: FIX_FIELDS, fields: fieldErrors(parsed.error) }, 422);
      }
      try {
        await invitations.invite(c.get("user")!, parsed.data, c.get("meta"));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const existingUserId = error.details?.userId as number | undefined;
        return page(c, { values, error: error.message, fields: error.fields, existingUserId }, 409);
      }
      return finish(c, INVITE_FORM_ID, "/admin/users/invitations?done=invited");
    })
    .post(
      "/admin/users/:id/invitation/renew",
      onlyAdmins,
      (c) => act(c, (id) => invitations.reinvite(c.get("user")!, id, c.get("meta")), "renewed"),
    )
    .post(
      "/admin/users/:id/invitation/withdraw",
      onlyAdmins,
      (c) => act(c, (id) => invitations.withdraw(c.get("user")!, id, c.get("meta")), "withdrawn"),
    );
}
