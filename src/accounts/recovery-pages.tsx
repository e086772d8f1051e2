import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "@hono/zod-openapi";
import type { ShopView } from "../../views/context.ts";
import {
  FORGOT_FORM_ID,
  ForgotForm,
  ForgotPage,
  type ForgotView,
  RESET_FORM_ID,
  ResetForm,
  ResetPage,
  type ResetView,
  VerifyPage,
} from "../../views/accounts/recovery-pages.tsx";
import type { AppEnv } from "../http/env.ts";
import { AppError, fieldErrors } from "../http/errors.ts";
import { wantsFragment } from "../http/htmx.ts";
import { viewerOf } from "../http/viewer.ts";
import type { TokenPurpose } from "./account-tokens.ts";
import { type Ctx, field, finish, FIX_FIELDS, problemsOf } from "./form-helpers.ts";
import type { Accounts } from "./index.ts";
import { requireUser, safeReturnPath } from "./middleware.ts";
import { passwordProblem } from "./passwords.ts";
import { emailField } from "./schema.ts";

const forgotSchema = z.object({ email: emailField });

const isTokenRefusal = (error: unknown): error is AppError =>
  error instanceof AppError && error.code.startsWith("token_");

/** Forgot password, the reset link's form, confirming an address and asking for its link. */
export function recoveryPages({ shop, accounts }: { shop: ShopView; accounts: Accounts }) {
  /** Whether a link still works, without using it: its page then says so before any typing. */
  const checkLink = async (token: string, purpose: TokenPurpose) => {
    try {
      return await accounts.recovery.checkLink(token, purpose);
    } catch (error) {
      if (isTokenRefusal(error)) return error;
      throw error;
    }
  };

  const forgotPage = (c: Ctx, view: ForgotView, status: ContentfulStatusCode = 200) =>
    wantsFragment(c, FORGOT_FORM_ID)
      ? c.html(<ForgotForm {...view} />, status)
      : c.html(<ForgotPage shop={shop} viewer={viewerOf(c)} {...view} />, status);

  const resetPage = (c: Ctx, view: ResetView, status: ContentfulStatusCode = 200) => {
    c.header("Cache-Control", "private, no-store");
    return wantsFragment(c, RESET_FORM_ID)
      ? c.html(<ResetForm {...view} />, status)
      : c.html(<ResetPage shop={shop} viewer={viewerOf(c)} {...view} />, status);
  };

  return new Hono<AppEnv>()
    .get("/forgot-password", (c) => forgotPage(c, { csrfToken: c.get("csrfToken")() }))
    .post("/forgot-password", async (c) => {
      const email = field(await c.req.parseBody(), "email");
      const view = { csrfToken: c.get("csrfToken")(), email };
      const parsed = forgotSchema.safeParse({ email });
      if (!parsed.success) {
        return forgotPage(
          c,
          { ...view, error: FIX_FIELDS, fields: fieldErrors(parsed.error) },
          422,
        );
      }
      try {
        await accounts.recovery.requestReset(parsed.data.email, c.get("meta"));
      } catch (error) {
        const { status, ...problems } = problemsOf(c, error);
        return forgotPage(c, { ...view, ...problems }, status);
      }
      return forgotPage(c, { csrfToken: view.csrfToken, sentTo: parsed.data.email });
    })
    .get("/reset-password", async (c) => {
      const token = c.req.query("token") ?? "";
      const csrfToken = c.get("csrfToken")();
      const link = await checkLink(token, "password_reset");
      if (link instanceof AppError) {
        return resetPage(c, { csrfToken, token, dead: true, error: link.message }, 400);
      }
      return resetPage(c, { csrfToken, token });
    })
    .post("/reset-password", async (c) => {
      const body = await c.req.parseBody();
      const input = { token: field(body, "token"), password: field(body, "password") };
      const view = { csrfToken: c.get("csrfToken")(), token: input.token };
      const problem = input.password ? passwordProblem(input.password) : "Enter a new password.";
      if (problem || input.password.length > 256) {
        const message = problem ?? "Use at most 256 characters.";
        return resetPage(c, { ...view, error: FIX_FIELDS, fields: { password: message } }, 422);
      }
      try {
        await accounts.recovery.resetPassword(input, c.get("meta"));
      } catch (error) {
        if (isTokenRefusal(error)) {
          return resetPage(c, { ...view, dead: true, error: error.message }, 400);
        }
        const { status, ...problems } = problemsOf(c, error);
        return resetPage(c, { ...view, ...problems }, status);
      }
      // Every session ended with the old password, this browser's too.
      return finish(c, RESET_FORM_ID, "/signin?done=reset");
    })
    .get("/verify-email", async (c) => {
      const token = c.req.query("token") ?? "";
      const csrfToken = c.get("csrfToken")();
      const link = await checkLink(token, "verify_email");
      const view = { shop, viewer: viewerOf(c), csrfToken, token };
      if (link instanceof AppError) {
        return c.html(<VerifyPage {...view} error={link.message} />, 400);
      }
      return c.html(<VerifyPage {...view} email={link.email} />);
    })
    .post("/verify-email", async (c) => {
      const token = field(await c.req.parseBody(), "token");
      const user = c.get("user");
      try {
        await accounts.recovery.verifyEmail(token, c.get("meta"), user ?? undefined);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        const view = { shop, viewer: viewerOf(c), csrfToken: c.get("csrfToken")(), token };
        return c.html(<VerifyPage {...view} error={error.message} />, error.status);
      }
      return c.redirect(user ? "/account?done=verified" : "/signin?done=verified", 303);
    })
    .post("/account/verification", requireUser(), async (c) => {
      const next = safeReturnPath(field(await c.req.parseBody(), "next") || "/account");
      try {
        await accounts.recovery.resendVerification(c.get("user")!, c.get("meta"));
      } catch (error) {
        if (error instanceof AppError && error.code === "already_verified") {
          return c.redirect("/account?done=verified", 303);
        }
        throw error;
      }
      const separator = next.includes("?") ? "&" : "?";
      return c.redirect(`${next}${separator}done=verification_sent`, 303);
    });
}
