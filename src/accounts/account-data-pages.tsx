import { Hono } from "hono";
import type { Child } from "hono/jsx";
import { z } from "@hono/zod-openapi";
import { EMAIL_FORM_ID, EmailForm } from "../../views/accounts/account-data.tsx";
import type { ShopView } from "../../views/context.ts";
import { Layout } from "../../views/layout.tsx";
import { viewerOf } from "../http/viewer.ts";
import type { AppEnv } from "../http/env.ts";
import { fieldErrors } from "../http/errors.ts";
import { wantsFragment } from "../http/htmx.ts";
import { accountPageRenderer } from "./account-page-view.tsx";
import { type Ctx, field, finish, FIX_FIELDS, problemsOf } from "./form-helpers.ts";
import type { Accounts } from "./index.ts";
import { clearSessionCookies, requireUser } from "./middleware.ts";
import { emailField } from "./schema.ts";

const emailChangeSchema = z.object({
  email: emailField,
  password: z.string().min(1, "Enter your password.").max(256, "Use at most 256 characters."),
});

/** The export file's name: the shop's and the day's, nothing about the person. */
export const exportFileName = (day: string) => `account-data-${day}.json`;

/** Changing the address, taking the data away and deleting the account, as forms. */
export function accountDataPages(
  { shop, accounts, cookieSecure, accountSections }: {
    shop: ShopView;
    accounts: Accounts;
    cookieSecure: boolean;
    accountSections?: (c: Ctx) => Promise<Child>;
  },
) {
  const accountPage = accountPageRenderer({ shop, accounts, accountSections });

  return new Hono<AppEnv>()
    .get("/account/deleted", (c) =>
      c.html(
        <Layout shop={shop} title="Account deleted" viewer={viewerOf(c)}>
          <section class="panel max-w-md mx-auto flex flex-col gap-4" aria-labelledby="gone">
            <h1 id="gone" class="font-display text-3xl font-bold text-brown">Account deleted</h1>
            <p>
              Your account and your details are gone, and every device was signed out. Thank you for
              your custom.
            </p>
            <a class="text-link" href="/">Back to the shop</a>
          </section>
        </Layout>,
      ))
    .post("/account/email", requireUser(), async (c) => {
      const user = c.get("user")!;
      const body = await c.req.parseBody();
      const input = { email: field(body, "email"), password: field(body, "password") };
      const parsed = emailChangeSchema.safeParse(input);
      let failed;
      if (!parsed.success) {
        failed = { status: 422 as const, error: FIX_FIELDS, fields: fieldErrors(parsed.error) };
      } else {
        try {
          await accounts.recovery.requestEmailChange(user, parsed.data, c.get("meta"));
        } catch (error) {
          failed = problemsOf(c, error);
        }
      }
      if (failed) {
        const { status, ...problems } = failed;
        if (wantsFragment(c, EMAIL_FORM_ID)) {
          const state = await accounts.recovery.status(user.id);
          return c.html(
            <EmailForm
              csrfToken={c.get("csrfToken")()}
              pendingEmail={state.pendingEmail}
              email={input.email}
              {...problems}
            />,
            status,
          );
        }
        return await accountPage(c, { emailForm: { email: input.email, ...problems } }, status);
      }
      return finish(c, EMAIL_FORM_ID, "/account?done=email_change");
    })
    .get("/account/export", requireUser(), async (c) => {
      const user = c.get("user")!;
      const data = await accounts.erasure.exportData(user, user.id, c.get("meta"));
      c.header("Cache-Control", "private, no-store");
      c.header(
        "Content-Disposition",
        `attachment; filename="${exportFileName(new Date().toISOString().slice(0, 10))}"`,
      );
      return c.json(data);
    })
    .post("/account/delete", requireUser(), async (c) => {
      const password = field(await c.req.parseBody(), "password");
      if (!password) {
        const fields = { password: "Enter your password to delete your account." };
        return await accountPage(c, { deleteForm: { error: FIX_FIELDS, fields } }, 422);
      }
      try {
        await accounts.erasure.deleteOwn(c.get("user")!, password.slice(0, 256), c.get("meta"));
      } catch (error) {
        const { status, ...problems } = problemsOf(c, error);
        return await accountPage(c, { deleteForm: problems }, status);
      }
      clearSessionCookies(c, cookieSecure);
      return c.redirect("/account/deleted", 303);
    });
}
