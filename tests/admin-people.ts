import { expect } from "vitest";
import { hashPassword } from "../src/accounts/passwords.ts";
import { insertUser } from "../src/accounts/queries.ts";
import type { Role } from "../src/accounts/roles.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../src/accounts/middleware.ts";
import { CookieBrowser } from "./cookie-browser.ts";
import type { TestContext } from "./harness.ts";

/** People signed in with browser cookies, for the admin screens' tests. */

export interface SignedIn {
  id: number;
  name: string;
  email: string;
  browser: CookieBrowser;
}

let hash: Promise<string> | undefined;
let serial = 0;

export async function signedIn(
  t: TestContext,
  role: Role,
  name = `${role} ${++serial}`,
  email = `${role}.${serial}.${crypto.randomUUID().slice(0, 8)}@example.com`,
): Promise<SignedIn> {
  hash ??= hashPassword("crumbs-on-the-counter");
  const row = await insertUser(t.sql, { email, name, passwordHash: await hash, role });
  const tokens = await t.services.accounts.sessions.startSession(
    row!,
    { ip: "192.0.2.70", userAgent: "admin-test" },
    "web",
  );
  const browser = new CookieBrowser(() => t.app);
  browser.cookies.set(ACCESS_COOKIE, tokens.accessToken);
  browser.cookies.set(REFRESH_COOKIE, tokens.refreshToken);
  return { id: row!.id, name, email, browser };
}

/** Headers of an htmx request that swaps the element with this id. */
export const htmxTarget = (id: string, tag = "div") => ({
  "HX-Request": "true",
  "HX-Target": `${tag}#${id}`,
});

/** Every route answers 403 to these people, and sends the signed-out to sign in. */
export async function expectAdminOnly(
  t: TestContext,
  routes: [method: "GET" | "POST", path: string][],
  others: SignedIn[],
) {
  const anonymous = new CookieBrowser(() => t.app);
  for (const [method, path] of routes) {
    for (const who of others) {
      const { res } = method === "GET"
        ? await who.browser.get(path)
        : await who.browser.post(path, { x: "1" });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
    }
    const { res } = method === "GET"
      ? await anonymous.get(path)
      : await anonymous.post(path, { x: "1" });
    expect({ method, path, status: res.status }).toEqual({
      method,
      path,
      status: method === "GET" ? 303 : 401,
    });
  }
}

/** The text of an HTML page with tags dropped and whitespace squeezed, for `toContain`. */
export const textOf = (html: string) =>
  html.replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\s+/g, " ");
