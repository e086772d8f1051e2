import { decodeJwt, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { createApp, createServices } from "../app.ts";
import { hashPassword } from "./passwords.ts";
import { insertUser, type UserRow } from "./queries.ts";
import { ACCESS_TOKEN_SECONDS } from "./tokens.ts";

/**
 * Sessions end at their absolute expiry, whatever tokens they still hold, and no access token
 * lives longer than the server gives them, even one signed with the right key.
 */

let t: TestContext;
let clock: number;
let app: ReturnType<typeof createApp>;
let services: ReturnType<typeof createServices>;
let user: UserRow;
const meta = { ip: "192.0.2.80", userAgent: "expiry-test" };

beforeAll(async () => {
  t = await createTestContext();
  clock = Date.now();
  const deps = { ...t.deps, now: () => new Date(clock) };
  services = createServices(deps);
  app = createApp(deps, services);
  user = (await insertUser(t.sql, {
    email: "expiry@example.com",
    name: "Expiry",
    passwordHash: await hashPassword("crumbs-on-the-counter"),
  }))!;
});
afterAll(() => t?.close());

const me = (token: string) =>
  app.request("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });

describe("a session past its expiry", () => {
  it("refuses the access tokens it issued, even ones the store had accepted", async () => {
    const hour = 60 * 60_000;
    const session = await services.accounts.sessions.startSession(user, meta, "api", hour);
    expect((await me(session.accessToken)).status).toBe(200);
    // A fresh access token a minute before the end is still good.
    clock += hour - 60_000;
    const late = await services.accounts.refresh(session.refreshToken, meta);
    expect(late.kind).toBe("rotated");
    expect((await me(late.accessToken)).status).toBe(200);
    // Past the end, with that token still inside its 15 minutes: refused.
    clock += 2 * 60_000;
    const res = await me(late.accessToken);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("session_ended");
  });

  it("cannot be refreshed either", async () => {
    const session = await services.accounts.sessions.startSession(user, meta, "api", 60_000);
    clock += 61_000;
    await expect(services.accounts.refresh(session.refreshToken, meta)).rejects.toThrow(
      /expired/,
    );
  });
});

describe("an access token signed with the right key", () => {
  it("is refused when it claims a longer life than the server gives", async () => {
    const session = await services.accounts.sessions.startSession(user, meta, "api");
    const claims = decodeJwt(session.accessToken);
    const { kid, secret } = t.deps.config.jwtKeys[0];
    const issuedAt = Math.floor(clock / 1000);
    const forged = await new SignJWT({ role: claims.role, sid: claims.sid })
      .setProtectedHeader({ alg: "HS256", kid, typ: "JWT" })
      .setSubject(claims.sub!)
      .setJti(crypto.randomUUID())
      .setIssuer("crumb")
      .setAudience("crumb")
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + 10 * 365 * 86_400)
      .sign(new TextEncoder().encode(secret));
    const res = await me(forged);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("token_invalid");
    // The same claims with the usual lifetime pass: only the lifetime was wrong.
    expect(ACCESS_TOKEN_SECONDS).toBe(15 * 60);
    expect((await me(session.accessToken)).status).toBe(200);
  });
});
