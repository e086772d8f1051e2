import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "./env.ts";
import { AppError } from "./errors.ts";
import { randomToken } from "../infra/digest.ts";
import { FORM_BODY_BYTES, readUpTo } from "./body-limit.ts";

export const CSRF_COOKIE = "crumb_csrf";
export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "X-CSRF-Token";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

const refuse = () =>
  new AppError(
    403,
    "csrf_failed",
    "This form was not sent from this shop's own pages, so it was refused. Reload the page and try again.",
  );

/**
 * Refuses state-changing requests that come from other sites. Browsers say where a request
 * comes from (Sec-Fetch-Site, else Origin); when neither is sent, the form must carry the
 * token of the double-submit cookie (or the X-CSRF-Token header). The JSON API is exempt:
 * it takes bearer tokens, which another site cannot borrow; admin API routes called with
 * the admin's session cookie instead are checked like pages.
 */
export function csrfProtection(
  options: { publicUrl?: string; cookieSecure: boolean },
): MiddlewareHandler<
  AppEnv
> {
  const configuredOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;
  return async function checkCsrf(c, next) {
    // The API takes bearer tokens, which another site cannot borrow; only admin routes
    // called with the browser's session cookie need the check.
    const browserSession = c.req.path.startsWith("/api/v1/admin/") &&
      c.req.header("Authorization") === undefined;
    if (c.req.path.startsWith("/api/") && !browserSession) return await next();
    // Made only when a page renders a form, so anonymous catalog views set no cookie.
    let token = getCookie(c, CSRF_COOKIE);
    c.set("csrfToken", () => {
      if (!token || !/^[\w-]{20,64}$/.test(token)) {
        token = randomToken(24);
        setCookie(c, CSRF_COOKIE, token, {
          httpOnly: true,
          sameSite: "Lax",
          secure: options.cookieSecure,
          path: "/",
        });
      }
      return token;
    });
    if (safeMethods.has(c.req.method)) return await next();

    const site = c.req.header("Sec-Fetch-Site");
    const origin = c.req.header("Origin");
    if (site !== undefined) {
      if (site !== "same-origin" && site !== "none") throw refuse();
    } else if (origin !== undefined) {
      if (origin !== (configuredOrigin ?? new URL(c.req.url).origin)) throw refuse();
    } else {
      const sent = c.req.header(CSRF_HEADER) ?? await formToken(c.req.raw.clone());
      if (!sent || sent !== getCookie(c, CSRF_COOKIE)) throw refuse();
    }
    await next();
  };
}

/**
 * The `_csrf` field of a form body. Only a body of form size is read for it: an upload (whose
 * route reads its larger body only after checking the user) must be sent with the headers every
 * browser sends, or with the X-CSRF-Token header.
 */
async function formToken(request: Request): Promise<string | undefined> {
  const type = request.headers.get("Content-Type") ?? "";
  if (
    !request.body ||
    (!type.includes("application/x-www-form-urlencoded") && !type.includes("multipart/form-data"))
  ) {
    return undefined;
  }
  try {
    const bytes = await readUpTo(request.body, FORM_BODY_BYTES);
    if (!bytes) return undefined;
    const form = await new Response(bytes, { headers: { "Content-Type": type } }).formData();
    const value = form.get(CSRF_FIELD);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
