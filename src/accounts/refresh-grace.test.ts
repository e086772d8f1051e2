import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext, uniqueId } from "../../tests/harness.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "./middleware.ts";

/**
 * A page's parallel requests may present one refresh token twice within a short grace; a
 * copied cookie replayed by another client inside that grace ends the whole session.
 */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t?.close());

const PASSWORD = "crumbs on the counter";
const PHONE = "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36";

/** A web session's refresh token, as the browser holds it after signing in. */
async function signedInBrowser() {
  const meta = { ip: "203.0.113.5", userAgent: PHONE };
  const user = await t.services.accounts.manage.register(
    { email: `grace-${uniqueId()}@example.com`, password: PASSWORD, name: "Grace Baker" },
    meta,
  );
  const tokens = await t.services.accounts.sessions.startSession(user, meta, "web");
  const [session] = await t.sql<{ id: string }[]>`
    select id from sessions where user_id = ${user.id}`;
  return { refreshToken: tokens.refreshToken, sessionId: session.id };
}

/** The account page with only a refresh cookie, as a page whose access token expired. */
const visit = (refreshToken: string, from: { ip: string; userAgent: string }) =>
  t.app.request("/account", {
    headers: { Cookie: `${REFRESH_COOKIE}=${refreshToken}`, "User-Agent": from.userAgent },
  }, { remoteAddr: { hostname: from.ip, port: 1, transport: "tcp" } });

const cookieOf = (res: Response, name: string) =>
  res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`))?.split(";")[0]
    .slice(name.length + 1);

const revoked = async (sessionId: string) => {
  const [row] = await t.sql<{ revokedAt: Date | null; revokedReason: string | null }[]>`
    select revoked_at, revoked_reason from sessions where id = ${sessionId}`;
  return row.revokedAt !== null ? row.revokedReason : null;
};

describe("refresh within the grace", () => {
  it("lets the same browser present the token twice (parallel requests of one page)", async () => {
    const { refreshToken, sessionId } = await signedInBrowser();
    const first = await visit(refreshToken, { ip: "203.0.113.5", userAgent: PHONE });
    expect(first.status).toBe(200);
    const next = cookieOf(first, REFRESH_COOKIE);
    expect(next).toBeTruthy();
    // The burst's second request carries the old token: signed in, with an access token only.
    const second = await visit(refreshToken, { ip: "203.0.113.5", userAgent: PHONE });
    expect(second.status).toBe(200);
    expect(cookieOf(second, ACCESS_COOKIE)).toBeTruthy();
    expect(cookieOf(second, REFRESH_COOKIE)).toBeUndefined();
    expect(await revoked(sessionId)).toBeNull();
    // The rotated token goes on working.
    expect((await visit(next!, { ip: "203.0.113.5", userAgent: PHONE })).status).toBe(200);
  });

  it("counts an IPv6 address of the same /64 as the same client", async () => {
    const { refreshToken, sessionId } = await signedInBrowser();
    const at = (ip: string) => visit(refreshToken, { ip, userAgent: PHONE });
    expect((await at("2001:db8:7:1::10")).status).toBe(200);
    expect((await at("2001:db8:7:1:abcd::99")).status).toBe(200);
    expect(await revoked(sessionId)).toBeNull();
  });

  it("ends the session when another address replays the copied cookie", async () => {
    const { refreshToken, sessionId } = await signedInBrowser();
    const owner = await visit(refreshToken, { ip: "203.0.113.5", userAgent: PHONE });
    const next = cookieOf(owner, REFRESH_COOKIE)!;
    // Same user agent string, copied too, but from another network: theft.
    const thief = await visit(refreshToken, { ip: "198.51.100.77", userAgent: PHONE });
    expect(thief.status).toBe(303);
    expect(thief.headers.get("Location")).toBe("/signin?next=%2Faccount");
    expect(cookieOf(thief, ACCESS_COOKIE)).toBe("");
    expect(await revoked(sessionId)).toBe("refresh token reused");
    // The whole family is gone: the owner's rotated token no longer works either.
    const after = await visit(next, { ip: "203.0.113.5", userAgent: PHONE });
    expect(after.status).toBe(303);
    const audit = await t.sql<{ details: Record<string, unknown>; ip: string }[]>`
      select details, ip from audit_log
      where action = 'auth.refresh_reuse' and entity_id = ${sessionId}`;
    expect(audit).toEqual([{ details: { revoked: true, otherClient: true }, ip: "198.51.100.77" }]);
  });

  it("ends the session when another browser on the same network replays it", async () => {
    const { refreshToken, sessionId } = await signedInBrowser();
    expect((await visit(refreshToken, { ip: "203.0.113.5", userAgent: PHONE })).status).toBe(200);
    const other = await visit(refreshToken, { ip: "203.0.113.5", userAgent: "curl/8.5.0" });
    expect(other.status).toBe(303);
    expect(await revoked(sessionId)).toBe("refresh token reused");
  });
});
