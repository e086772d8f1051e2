import type { Child } from "hono/jsx";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "@hono/zod-openapi";
import type { ShopView } from "../../views/context.ts";
import {
  NAME_FORM_ID,
  NameForm,
  PASSWORD_FORM_ID,
  PasswordForm,
} from "../../views/accounts/account-page.tsx";
import type { FormProblems } from "../../views/accounts/form-parts.tsx";
import {
  SIGNIN_FORM_ID,
  SignInForm,
  SignInPage,
  type SignInView,
} from "../../views/accounts/signin-page.tsx";
import {
  SIGNUP_FORM_ID,
  SignUpForm,
  SignUpPage,
  type SignUpView,
} from "../../views/accounts/signup-page.tsx";
import type { AppEnv } from "../http/env.ts";
import { AppError, fieldErrors } from "../http/errors.ts";
import { accountPageRenderer } from "./account-page-view.tsx";
import { type Ctx, field, finish, FIX_FIELDS, problemsOf } from "./form-helpers.ts";
import { wantsFragment } from "../http/htmx.ts";
import { viewerOf } from "../http/viewer.ts";
import type { Accounts } from "./index.ts";
import {
  clearSessionCookies,
  requireUser,
  safeReturnPath,
  setSessionCookies,
} from "./middleware.ts";
import { landingFor } from "./landing.ts";
import { passwordProblem } from "./passwords.ts";
import { readDevice, rememberDevice } from "./device-cookie.ts";
import { changePasswordSchema, loginSchema, nameField, registerSchema } from "./schema.ts";

/** Confirmations shown on the account page after a redirect (`?done=`): fixed texts only. */
const flashes: Record<string, string> = {
  signup: "Welcome! Your account is ready.",
  name: "Your name was saved.",
  password: "Password changed. Other devices were signed out.",
  verified: "Thank you: your email address is confirmed.",
  verification_sent: "We sent you a new link. Open it to confirm your email address.",
  email_change: "We sent a link to your new address. Your address changes when you open it.",
};

/** Confirmations on the sign-in page (`?done=`). */
const signInFlashes: Record<string, string> = {
  reset: "Your password was changed and every device was signed out. Sign in with the new one.",
  verified: "Thank you: your email address is confirmed. Sign in to order.",
  checkout: "You were signed out before the order was placed. Sign in and you'll be back " +
    "at checkout with your cart, pickup time, note and coupon as you left them.",
};

const nameSchema = z.object({ name: nameField });

/** `next` as given to the form: a same-origin path, or undefined when there is none. */
const returnPath = (next: string | undefined) => next ? safeReturnPath(next) : undefined;

/** Sign-in and sign-up replace any session this browser had; the old one is ended. */
async function endPreviousSession(c: Ctx, accounts: Accounts) {
  const previous = c.get("user");
  if (previous) await accounts.auth.signOut(previous, c.get("meta"));
}

/** Sign up, sign in, sign out and the account page, as server-rendered forms. */
export function accountPages(
  { shop, accounts, cookieSecure, deviceSecret, accountSections, kioskHours = 12 }: {
    shop: ShopView;
    accounts: Accounts;
    cookieSecure: boolean;
    /** Signs the device cookie (see device-cookie.ts). */
    deviceSecret: string;
    /** How long a kiosk (a staff device signed in for the board) stays signed in. */
    kioskHours?: number;
    /** More of the account page from other features (orders, notifications). */
    accountSections?: (c: Ctx) => Promise<Child>;
  },
) {
  const signInPage = (c: Ctx, view: SignInView, status: ContentfulStatusCode = 200) =>
    wantsFragment(c, SIGNIN_FORM_ID)
      ? c.html(<SignInForm {...view} />, status)
      : c.html(<SignInPage shop={shop} viewer={viewerOf(c)} {...view} />, status);

  const signUpPage = (c: Ctx, view: SignUpView, status: ContentfulStatusCode = 200) =>
    wantsFragment(c, SIGNUP_FORM_ID)
      ? c.html(<SignUpForm {...view} />, status)
      : c.html(<SignUpPage shop={shop} viewer={viewerOf(c)} {...view} />, status);

  /** This browser is one of the account's own devices from now on. */
  const remember = async (c: Ctx, userId: number) =>
    await rememberDevice(
      c,
      { secret: deviceSecret, secure: cookieSecure },
      userId,
      await readDevice(c, deviceSecret),
    );

  const accountPage = accountPageRenderer({ shop, accounts, accountSections });

  return new Hono<AppEnv>()
    .get("/signin", (c) => {
      const user = c.get("user");
      if (user) return c.redirect(landingFor(user.role), 303);
      return signInPage(c, {
        csrfToken: c.get("csrfToken")(),
        next: returnPath(c.req.query("next")),
        flash: signInFlashes[c.req.query("done") ?? ""],
      });
    })
    .post("/signin", async (c) => {
      const body = await c.req.parseBody();
      const input = { email: field(body, "email"), password: field(body, "password") };
      const next = returnPath(field(body, "next"));
      const view = { csrfToken: c.get("csrfToken")(), next, email: input.email };
      const parsed = loginSchema.safeParse(input);
      if (!parsed.success) {
        return signInPage(
          c,
          { ...view, error: FIX_FIELDS, fields: fieldErrors(parsed.error) },
          422,
        );
      }
      let tokens;
      try {
        const kiosk = field(body, "kiosk") === "1";
        tokens = await accounts.sessions.signIn(
          parsed.data,
          c.get("meta"),
          kiosk ? "kiosk" : "web",
          kioskHours,
          await readDevice(c, deviceSecret),
        );
      } catch (error) {
        const { status, ...problems } = problemsOf(c, error);
        return signInPage(c, { ...view, ...problems }, status);
      }
      await endPreviousSession(c, accounts);
      setSessionCookies(c, tokens, cookieSecure);
      await remember(c, tokens.user.id);
      return finish(c, SIGNIN_FORM_ID, next ?? landingFor(tokens.user.role));
    })
    .get("/signup", (c) => {
      const user = c.get("user");
      if (user) return c.redirect(landingFor(user.role), 303);
      return signUpPage(c, {
        csrfToken: c.get("csrfToken")(),
        next: returnPath(c.req.query("next")),
      });
    })
    .post("/signup", async (c) => {
      const body = await c.req.parseBody();
      const input = {
        name: field(body, "name"),
        email: field(body, "email"),
        password: field(body, "password"),
      };
      const next = returnPath(field(body, "next"));
      const view = { csrfToken: c.get("csrfToken")(), next, name: input.name, email: input.email };
      const parsed = registerSchema.safeParse(input);
      // Every problem at once: the password rules too, not only after the other fields pass.
      const fields = parsed.success ? {} : fieldErrors(parsed.error);
      const problem = passwordProblem(input.password, {
        email: input.email.trim(),
        name: input.name.trim(),
      });
      if (problem) fields.password ??= problem;
      if (!parsed.success || Object.keys(fields).length > 0) {
        return signUpPage(c, { ...view, error: FIX_FIELDS, fields }, 422);
      }
      let user;
      try {
        await accounts.manage.admitSignUp(c.get("meta"));
        user = await accounts.manage.register(parsed.data, c.get("meta"));
      } catch (error) {
        const { status, ...problems } = problemsOf(c, error);
        return signUpPage(c, { ...view, ...problems }, status);
      }
      const tokens = await accounts.sessions.startSession(user, c.get("meta"), "web");
      await endPreviousSession(c, accounts);
      setSessionCookies(c, tokens, cookieSecure);
      await remember(c, user.id);
      return finish(c, SIGNUP_FORM_ID, next ?? "/account?done=signup");
    })
    .post("/signout", async (c) => {
      const user = c.get("user");
      if (user) await accounts.auth.signOut(user, c.get("meta"));
      clearSessionCookies(c, cookieSecure);
      return c.redirect("/", 303);
    })
    .get("/account", requireUser(), async (c) => {
      const flash = flashes[c.req.query("done") ?? ""];
      return await accountPage(c, { flash });
    })
    .post("/account/name", requireUser(), async (c) => {
      const user = c.get("user")!;
      const name = field(await c.req.parseBody(), "name");
      const parsed = nameSchema.safeParse({ name });
      if (!parsed.success) {
        const problems = { name, error: FIX_FIELDS, fields: fieldErrors(parsed.error) };
        const csrfToken = c.get("csrfToken")();
        return wantsFragment(c, NAME_FORM_ID)
          ? c.html(<NameForm csrfToken={csrfToken} {...problems} />, 422)
          : await accountPage(c, { nameForm: problems }, 422);
      }
      await accounts.manage.changeName(user, parsed.data.name, c.get("meta"));
      return finish(c, NAME_FORM_ID, "/account?done=name");
    })
    .post("/account/password", requireUser(), async (c) => {
      const user = c.get("user")!;
      const meta = c.get("meta");
      const body = await c.req.parseBody();
      const input = {
        currentPassword: field(body, "currentPassword"),
        newPassword: field(body, "newPassword"),
      };
      const parsed = changePasswordSchema.safeParse(input);
      const fields = parsed.success ? {} : fieldErrors(parsed.error);
      const problem = passwordProblem(input.newPassword, user);
      if (problem) fields.newPassword ??= problem;
      let failed: (FormProblems & { status: ContentfulStatusCode }) | undefined;
      if (!parsed.success || Object.keys(fields).length > 0) {
        failed = { status: 422, error: FIX_FIELDS, fields };
      } else {
        try {
          await accounts.manage.changePassword(user, parsed.data, meta);
        } catch (error) {
          failed = problemsOf(c, error);
        }
      }
      if (failed) {
        const { status, ...problems } = failed;
        return wantsFragment(c, PASSWORD_FORM_ID)
          ? c.html(
            <PasswordForm csrfToken={c.get("csrfToken")()} email={user.email} {...problems} />,
            status,
          )
          : await accountPage(c, { passwordForm: problems }, status);
      }
      // Every session ended with the old password, this one too: sign in again with the
      // new one (the same checks as the sign-in form, and a fresh session).
      let tokens;
      try {
        tokens = await accounts.sessions.signIn(
          { email: user.email, password: input.newPassword },
          meta,
          "web",
          12,
          await readDevice(c, deviceSecret),
        );
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        clearSessionCookies(c, cookieSecure);
        return finish(c, PASSWORD_FORM_ID, `/signin?next=${encodeURIComponent("/account")}`);
      }
      setSessionCookies(c, tokens, cookieSecure);
      return finish(c, PASSWORD_FORM_ID, "/account?done=password");
    });
}
