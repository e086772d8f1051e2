import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../http/env.ts";
import { AppError } from "../http/errors.ts";
import type { Accounts } from "./index.ts";
import { BROWSER_REUSE_GRACE_MS } from "./refresh.ts";
import type { Role } from "./roles.ts";
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_DAYS, TokenError } from "./tokens.ts";

export const ACCESS_COOKIE = "crumb_access";
export const REFRESH_COOKIE = "crumb_refresh";

const isApi = (c: Context) => c.req.path.startsWith("/api/");

/** How a client signs in, said on every 401 of the API (RFC 6750). */
const SIGN_IN_FIRST =
  "Sign in first: get an access token from POST /api/v1/auth/login and send it as " +
  "`Authorization: Bearer <access token>`.";
const challenge = (error?: string) => ({
  "WWW-Authenticate": error ? `Bearer realm="crumb", error="${error}"` : `Bearer realm="crumb"`,
});

/**
 * Admin API routes also take the admin's browser session (admin screens call them), when
 * no Authorization header is sent; CSRF protection then applies as to a page.
 */
export const usesBrowserSession = (c: Context) =>
  c.req.path.startsWith("/api/v1/admin/") && c.req.header("Authorization") === undefined;

export function setSessionCookies(
  c: Context,
  tokens: { accessToken: string; refreshToken?: string },
  secure: boolean,
) {
  const base = { httpOnly: true, sameSite: "Lax" as const, secure, path: "/" };
  setCookie(c, ACCESS_COOKIE, tokens.accessToken, { ...base, maxAge: ACCESS_TOKEN_SECONDS });
  if (tokens.refreshToken) {
    setCookie(c, REFRESH_COOKIE, tokens.refreshToken, {
      ...base,
      maxAge: REFRESH_TOKEN_DAYS * 86_400,
    });
  }
}

export function clearSessionCookies(c: Context, secure: boolean) {
  deleteCookie(c, ACCESS_COOKIE, { path: "/", secure });
  deleteCookie(c, REFRESH_COOKIE, { path: "/", secure });
}

/**
 * One authentication for pages and API: the API takes `Authorization: Bearer`, pages take
 * the session cookies and refresh an expired access token silently.
 */
export function authentication(
  accounts: Accounts,
  options: { cookieSecure: boolean },
): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    c.set("user", null);
    if (isApi(c) && !usesBrowserSession(c)) {
      const header = c.req.header("Authorization");
      if (header !== undefined) {
        const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!bearer) {
          throw new AppError(
            401,
            "token_invalid",
            "Send the access token as `Authorization: Bearer <token>`.",
            undefined,
            challenge("invalid_request"),
          );
        }
        try {
          c.set("user", await accounts.auth.authenticate(bearer[1]));
        } catch (error) {
          if (error instanceof TokenError) {
            throw new AppError(
              401,
              error.code,
              error.message,
              undefined,
              challenge("invalid_token"),
            );
          }
          throw error;
        }
      }
      return await next();
    }

    const access = getCookie(c, ACCESS_COOKIE);
    if (access) {
      try {
        c.set("user", await accounts.auth.authenticate(access));
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
      }
    }
    const refreshToken = getCookie(c, REFRESH_COOKIE);
    if (!c.get("user") && refreshToken) {
      try {
        const result = await accounts.refresh(refreshToken, c.get("meta"), {
          reuseGraceMs: BROWSER_REUSE_GRACE_MS,
        });
        setSessionCookies(
          c,
          result.kind === "rotated" ? result : { accessToken: result.accessToken },
          options.cookieSecure,
        );
        c.set("user", await accounts.auth.authenticate(result.accessToken));
      } catch (error) {
        if (!(error instanceof AppError || error instanceof TokenError)) throw error;
        clearSessionCookies(c, options.cookieSecure);
      }
    } else if (!c.get("user") && access) {
      clearSessionCookies(c, options.cookieSecure);
    }
    await next();
  };
}

/** Only these roles pass; others get 401 (signed out) or 403 (signed in without the role). */
export function requireRole(...allowed: Role[]): MiddlewareHandler<AppEnv> {
  return async function checkRole(c, next) {
    const user = c.get("user");
    if (!user) {
      if (!isApi(c) && (c.req.method === "GET" || c.req.method === "HEAD")) {
        const url = new URL(c.req.url);
        return c.redirect(`/signin?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
      }
      if (isApi(c)) {
        throw new AppError(401, "unauthorized", SIGN_IN_FIRST, undefined, challenge());
      }
      throw new AppError(401, "unauthorized", "Please sign in to do that.");
    }
    if (!allowed.includes(user.role)) {
      throw new AppError(403, "forbidden", "Your account is not allowed to use this.");
    }
    await next();
  };
}

export const requireUser = () => requireRole("customer", "staff", "admin");

/** A path a browser would take for another host: `//host`, `/\\host`, or such slashes encoded. */
const leavesSite = (path: string) => /^[/\\]{2}/.test(path) || /%(2f|5c)/i.test(path);

/** A same-origin path to return to after sign-in; anything else becomes "/". */
export function safeReturnPath(next: string | undefined | null): string {
  if (!next || !next.startsWith("/") || /^[/\\]{2}/.test(next)) return "/";
  try {
    const base = "http://crumb.invalid";
    const url = new URL(next, base);
    if (url.origin !== base) return "/";
    // Checked again after parsing: "/.//evil.com" only becomes "//evil.com" here.
    if (leavesSite(url.pathname)) return "/";
    return url.pathname + url.search + url.hash;
  } catch {
    return "/";
  }
}
