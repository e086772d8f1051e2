import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { createApp, createServices } from "../app.ts";
import type { AuthUser, Role } from "./roles.ts";
import { authKeys } from "./service.ts";

/** The accounts API under /api/v1: register, sign in, refresh, sign out, and who can do what. */

interface ApiError {
  error: { code: string; message: string; fields?: Record<string, string> };
}
interface Issued {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: number; email: string; name: string; role: Role };
}
interface AuditRow {
  actorId: number | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
}
type Requester = {
  request: (path: string, init?: RequestInit, env?: unknown) => Response | Promise<Response>;
};

const PASSWORD = "crumbs-on-the-counter";
const meta = { ip: "192.0.2.1", userAgent: "api-test" };
const peer = (hostname: string) => ({ remoteAddr: { hostname, port: 1, transport: "tcp" } });

let t: TestContext;
let admin: AuthUser;
let emails = 0;
const freshEmail = (label = "user") => `${label}.${++emails}@example.com`;

const post = (
  path: string,
  body: unknown,
  { app = t.app as Requester, headers = {}, ip = "198.51.100.10" }: {
    app?: Requester;
    headers?: Record<string, string>;
    ip?: string;
  } = {},
) =>
  app.request(`/api/v1${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "User-Agent": "api-test/1.0", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  }, peer(ip));

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const me = (token: string, app: Requester = t.app) =>
  app.request("/api/v1/me", { headers: bearer(token) });

async function expectError(
  res: Response,
  status: number,
  code: string,
  message?: string | RegExp,
) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = (await res.json()) as ApiError;
  expect(body.error.code).toBe(code);
  if (message !== undefined) expect(body.error.message).toMatch(message);
  return body.error;
}

/** A new customer, each from an address of their own (as customers sign up). */
async function register(email = freshEmail(), name = "Api Tester", password = PASSWORD) {
  const res = await post("/auth/register", { email, password, name }, {
    ip: `198.18.1.${emails}`,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Issued;
}

const login = (email: string, password = PASSWORD, ip?: string, app?: Requester) =>
  post("/auth/login", { email, password }, { ip, app });

const audit = (action: string) =>
  t.sql<AuditRow[]>`
    select actor_id, action, entity_type, entity_id, details, ip, user_agent
    from audit_log where action = ${action} order by id`;

beforeAll(async () => {
  t = await createTestContext();
  const { accounts } = t.services;
  const user = await accounts.manage.register(
    { email: "admin@example.com", password: PASSWORD, name: "Admin" },
    meta,
    "admin",
  );
  const session = await accounts.sessions.startSession(user, meta, "api");
  admin = await accounts.auth.authenticate(session.accessToken);
});
afterAll(() => t?.close());

describe("POST /auth/register", () => {
  it("201 with working tokens for a new customer", async () => {
    const email = freshEmail("new");
    const issued = await register(email, "Ada Lovelace");
    expect(issued).toMatchObject({
      expiresIn: 900,
      user: { email, name: "Ada Lovelace", role: "customer" },
    });
    expect(issued.refreshToken).toMatch(/^[\w-]{43}$/);
    const res = await me(issued.accessToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(issued.user);
  });

  it("cannot choose its own role", async () => {
    const res = await post("/auth/register", {
      email: freshEmail("sneaky"),
      password: PASSWORD,
      name: "Sneaky",
      role: "admin",
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Issued).user.role).toBe("customer");
  });

  it("the same email in other capitals: 400 with fields.email", async () => {
    const email = freshEmail("dup");
    await register(email);
    const res = await post("/auth/register", {
      email: email.toUpperCase(),
      password: PASSWORD,
      name: "Copy",
    });
    const error = await expectError(res, 400, "validation_failed");
    expect(error.fields).toEqual({
      email: "An account with this email already exists. Sign in instead?",
    });
    const [row] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from users where lower(email) = lower(${email})`;
    expect(row.n).toBe(1);
  });

  it.each([
    ["too short", "short-pw", "Use at least 10 characters."],
    ["common", "password123", /list of common passwords/],
    ["common, other capitals", "QWERTYUIOP", /list of common passwords/],
    ["equal to the email", "@", "Don't use your email address as your password."],
    ["the email's local part", "local", "Don't use your email address as your password."],
    ["equal to the name", "Pastry Chef Extraordinaire", "Don't use your name as your password."],
  ])("a password that is %s: 400 with fields.password", async (_, password, message) => {
    const email = "baker.benedikt@example.com";
    const chosen = password === "@" ? email : password === "local" ? "baker.benedikt" : password;
    const res = await post("/auth/register", {
      email,
      password: chosen,
      name: "Pastry Chef Extraordinaire",
    });
    const error = await expectError(res, 400, "validation_failed");
    expect(Object.keys(error.fields ?? {})).toEqual(["password"]);
    expect(error.fields!.password).toMatch(message);
  });

  it("a password over 256 characters: 400 with fields.password", async () => {
    const res = await post("/auth/register", {
      email: freshEmail(),
      password: "x".repeat(257),
      name: "Long",
    });
    const error = await expectError(res, 400, "validation_failed");
    expect(error.fields).toEqual({ password: "Use at most 256 characters." });
  });

  it("missing and wrong-typed fields: 400 naming each field", async () => {
    const res = await post("/auth/register", { email: "not-an-email", password: 12 });
    const error = await expectError(res, 400, "validation_failed");
    expect(Object.keys(error.fields ?? {}).sort()).toEqual(["email", "name", "password"]);
    expect(error.fields!.email).toBe("Enter an email address like name@example.com.");
  });

  it("a body that is not JSON: 400 JSON error, not 500", async () => {
    for (const body of ["{", "not json", '{"email": "a@b.c",}']) {
      await expectError(
        await post("/auth/register", body),
        400,
        "bad_request",
        "Malformed JSON in request body",
      );
    }
    await expectError(await post("/auth/login", "{"), 400, "bad_request");
    await expectError(await post("/auth/refresh", "[1,"), 400, "bad_request");
  });

  it("JSON that is not an object: 400 validation_failed", async () => {
    for (const body of ["null", "[]", '"text"', "42"]) {
      const res = await post("/auth/register", body);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as ApiError).error.code).toBe("validation_failed");
    }
  });

  it("no JSON content type: refused with a JSON error, not 500", async () => {
    const res = await t.app.request("/api/v1/auth/login", {
      method: "POST",
      body: JSON.stringify({ email: "a@example.com", password: PASSWORD }),
    });
    expect(res.status).toBe(415);
    const body = (await res.json()) as ApiError;
    expect(body.error.message).toBe("Unsupported Media Type");
  });

  it("stores argon2id (m=19456, t=2, p=1), never the password", async () => {
    const issued = await register();
    const [row] = await t.sql<{ passwordHash: string }[]>`
      select password_hash from users where id = ${issued.user.id}`;
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[\w+/]+\$[\w+/]+$/);
    expect(row.passwordHash).not.toContain(PASSWORD);
  });
});

describe("hostile text in every field", () => {
  const names = [
    "Robert'); DROP TABLE users;--",
    "<script>alert(1)</script>",
    `"><img src=x onerror=alert(1)>`,
    "' OR '1'='1",
    "\\'; select pg_sleep(10);--",
  ];

  it.each(names)("the name %s is stored and returned literally", async (name) => {
    const email = freshEmail("hostile");
    const issued = await register(email, name);
    expect(issued.user.name).toBe(name);
    const [row] = await t.sql<{ name: string; email: string }[]>`
      select name, email from users where id = ${issued.user.id}`;
    expect(row).toEqual({ name, email });
    const res = await me(issued.accessToken);
    expect(((await res.json()) as Issued["user"]).name).toBe(name);
  });

  it("an email with a quote is stored literally and signs in", async () => {
    const email = `o'brien.${++emails}@example.com`;
    const issued = await register(email, "O'Brien");
    const [row] = await t.sql<{ email: string }[]>`
      select email from users where id = ${issued.user.id}`;
    expect(row.email).toBe(email);
    expect((await login(email)).status).toBe(200);
  });

  it("injection in the sign-in email finds nobody", async () => {
    for (const email of ["' OR '1'='1", "admin@example.com' --", "x' OR 1=1; --@example.com"]) {
      await expectError(
        await login(email, "' OR '1'='1", "198.51.100.99"),
        401,
        "invalid_credentials",
      );
    }
  });

  it("the users table is intact", async () => {
    const [row] = await t.sql<{ n: number }[]>`select count(*)::int as n from users`;
    expect(row.n).toBeGreaterThan(names.length);
    const [stored] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from users where name = ${names[0]}`;
    expect(stored.n).toBe(1);
  });

  it("the account page shows the name escaped", async () => {
    const issued = await register(freshEmail("page"), "<script>alert(1)</script>");
    const res = await t.app.request("/account", {
      headers: { Cookie: `crumb_access=${issued.accessToken}` },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
  });
});

describe("POST /auth/login", () => {
  it("200 with tokens for the right password, the email in any capitals", async () => {
    const issued = await register();
    const res = await login(issued.user.email.toUpperCase());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Issued;
    expect(body.user).toEqual(issued.user);
    expect((await me(body.accessToken)).status).toBe(200);
  });

  it("unknown email and wrong password: identical status and body", async () => {
    const issued = await register();
    const unknown = await login("nobody.here@example.com", PASSWORD, "198.51.100.20");
    const wrong = await login(issued.user.email, "wrong-password-1", "198.51.100.21");
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    const [a, b] = [await unknown.text(), await wrong.text()];
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual({
      error: { code: "invalid_credentials", message: "That email and password don't match." },
    });
    expect(unknown.headers.get("Content-Type")).toBe(wrong.headers.get("Content-Type"));
  });

  it("an empty password: 400 with fields.password", async () => {
    const error = await expectError(await login("a@example.com", ""), 400, "validation_failed");
    expect(error.fields).toEqual({ password: "Enter your password." });
  });
});

describe("disabled accounts", () => {
  it("a token of a disabled user is refused at once; sign-in is 403", async () => {
    const issued = await register();
    expect((await me(issued.accessToken)).status).toBe(200);
    await t.services.accounts.manage.setDisabled(admin, issued.user.id, true, meta);

    await expectError(await me(issued.accessToken), 401, "session_ended");
    await expectError(
      await post("/auth/refresh", { refreshToken: issued.refreshToken }),
      401,
      "session_ended",
    );
    await expectError(
      await login(issued.user.email),
      403,
      "account_disabled",
      "This account is disabled. Please ask the shop if you think that is a mistake.",
    );
    // A wrong password does not reveal that the account exists and is disabled.
    await expectError(
      await login(issued.user.email, "not-the-password", "198.51.100.30"),
      401,
      "invalid_credentials",
    );
  });

  it("enabled again: sign-in works at once, old sessions stay ended", async () => {
    const issued = await register();
    await t.services.accounts.manage.setDisabled(admin, issued.user.id, true, meta);
    await t.services.accounts.manage.setDisabled(admin, issued.user.id, false, meta);
    await expectError(await me(issued.accessToken), 401, "session_ended");
    const res = await login(issued.user.email);
    expect(res.status).toBe(200);
    expect((await me(((await res.json()) as Issued).accessToken)).status).toBe(200);
  });
});

describe("changing the password", () => {
  it("ends every session at once; the new password signs in at once", async () => {
    const issued = await register();
    const other = (await (await login(issued.user.email)).json()) as Issued;
    const user = await t.services.accounts.auth.authenticate(issued.accessToken);
    await t.services.accounts.manage.changePassword(
      user,
      { currentPassword: PASSWORD, newPassword: "a-brand-new-secret" },
      meta,
    );
    for (const session of [issued, other]) {
      await expectError(await me(session.accessToken), 401, "session_ended");
      await expectError(
        await post("/auth/refresh", { refreshToken: session.refreshToken }),
        401,
        "session_ended",
      );
    }
    await expectError(await login(issued.user.email), 401, "invalid_credentials");
    // In the same second as the change: the new session must work (iat has whole seconds).
    const fresh = await login(issued.user.email, "a-brand-new-secret");
    expect(fresh.status).toBe(200);
    expect((await me(((await fresh.json()) as Issued).accessToken)).status).toBe(200);
  });
});

describe("POST /auth/refresh", () => {
  it("rotates: a new pair, for the same session", async () => {
    const issued = await register();
    const res = await post("/auth/refresh", { refreshToken: issued.refreshToken });
    expect(res.status).toBe(200);
    const next = (await res.json()) as Issued;
    expect(next.refreshToken).not.toBe(issued.refreshToken);
    expect(next.user).toEqual(issued.user);
    expect(decodeJwt(next.accessToken).sid).toBe(decodeJwt(issued.accessToken).sid);
    expect((await me(next.accessToken)).status).toBe(200);
  });

  it("an already-used token ends the whole family and is audited", async () => {
    const issued = await register();
    const second = (await (await post("/auth/refresh", { refreshToken: issued.refreshToken }))
      .json()) as Issued;
    const third = (await (await post("/auth/refresh", { refreshToken: second.refreshToken }))
      .json()) as Issued;
    expect((await me(third.accessToken)).status).toBe(200);

    await expectError(
      await post("/auth/refresh", { refreshToken: issued.refreshToken }, { ip: "203.0.113.66" }),
      401,
      "session_ended",
      "That refresh token was already used, so the session was ended for safety. Please sign in again.",
    );
    // The newest refresh token and access token of that session stop working too.
    await expectError(
      await post("/auth/refresh", { refreshToken: third.refreshToken }),
      401,
      "session_ended",
    );
    await expectError(await me(third.accessToken), 401, "session_ended");

    const sid = String(decodeJwt(issued.accessToken).sid);
    const rows = (await audit("auth.refresh_reuse")).filter((r) => r.entityId === sid);
    expect(rows).toEqual([{
      actorId: issued.user.id,
      action: "auth.refresh_reuse",
      entityType: "session",
      entityId: sid,
      details: { revoked: true },
      ip: "203.0.113.66",
      userAgent: "api-test/1.0",
    }]);
    const [session] = await t.sql<{ revokedReason: string }[]>`
      select revoked_reason from sessions where id = ${sid}`;
    expect(session.revokedReason).toBe("refresh token reused");
  });

  it("reuse is caught even when the app's clock is behind the database's", async () => {
    const clock = new Date(Date.now() - 3_600_000);
    const deps = { ...t.deps, now: () => clock };
    const app = createApp(deps, createServices(deps));
    const issued = (await (await post("/auth/register", {
      email: freshEmail("skew"),
      password: PASSWORD,
      name: "Skew",
    }, { app })).json()) as Issued;
    const next = (await (await post("/auth/refresh", { refreshToken: issued.refreshToken }, {
      app,
    })).json()) as Issued;
    await expectError(
      await post("/auth/refresh", { refreshToken: issued.refreshToken }, { app }),
      401,
      "session_ended",
      /already used/,
    );
    await expectError(await me(next.accessToken, app), 401, "session_ended");
  });

  it("expires with its session after 30 days", async () => {
    let clock = new Date();
    const deps = { ...t.deps, now: () => clock };
    const app = createApp(deps, createServices(deps));
    const issued = (await (await post("/auth/register", {
      email: freshEmail("old"),
      password: PASSWORD,
      name: "Old",
    }, { app })).json()) as Issued;
    clock = new Date(clock.getTime() + 29 * 86_400_000);
    const kept = await post("/auth/refresh", { refreshToken: issued.refreshToken }, { app });
    expect(kept.status).toBe(200);
    const { refreshToken } = (await kept.json()) as Issued;
    clock = new Date(clock.getTime() + 86_400_000 + 1000);
    await expectError(
      await post("/auth/refresh", { refreshToken }, { app }),
      401,
      "session_ended",
      "Your session has expired. Please sign in again.",
    );
  });

  it("garbage, empty or oversized tokens are refused", async () => {
    await expectError(
      await post("/auth/refresh", { refreshToken: "garbage" }),
      401,
      "session_ended",
      "That refresh token is not valid. Please sign in again.",
    );
    const issued = await register();
    await expectError(
      await post("/auth/refresh", { refreshToken: issued.accessToken.slice(0, 200) }),
      401,
      "session_ended",
    );
    const empty = await expectError(
      await post("/auth/refresh", { refreshToken: "" }),
      400,
      "validation_failed",
    );
    expect(empty.fields).toEqual({ refreshToken: "Send the refresh token." });
    await expectError(
      await post("/auth/refresh", { refreshToken: "x".repeat(201) }),
      400,
      "validation_failed",
    );
  });
});

describe("POST /auth/logout", () => {
  it("204; then the access token, the refresh token and the session are finished", async () => {
    const issued = await register();
    const res = await post("/auth/logout", undefined, { headers: bearer(issued.accessToken) });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    await expectError(await me(issued.accessToken), 401, "session_ended");
    await expectError(
      await post("/auth/refresh", { refreshToken: issued.refreshToken }),
      401,
      "session_ended",
    );
    const { jti, sid } = decodeJwt(issued.accessToken);
    expect(await t.store.get(authKeys.deniedToken(String(jti)))).toBe("1");
    const [session] = await t.sql<{ revokedReason: string | null }[]>`
      select revoked_reason from sessions where id = ${String(sid)}`;
    expect(session.revokedReason).toBe("signed out");
    // Signing out twice is a 401, not a crash.
    await expectError(
      await post("/auth/logout", undefined, { headers: bearer(issued.accessToken) }),
      401,
      "session_ended",
    );
  });

  it("without a token: 401 unauthorized", async () => {
    await expectError(await post("/auth/logout", undefined), 401, "unauthorized");
  });

  it("ends only its own session", async () => {
    const issued = await register();
    const other = (await (await login(issued.user.email)).json()) as Issued;
    await post("/auth/logout", undefined, { headers: bearer(issued.accessToken) });
    expect((await me(other.accessToken)).status).toBe(200);
  });
});

describe("roles come from the database", () => {
  it("a new role applies to the next request, with no new token", async () => {
    const issued = await register();
    expect(((await (await me(issued.accessToken)).json()) as Issued["user"]).role).toBe(
      "customer",
    );
    await t.services.accounts.manage.setRole(admin, issued.user.id, "staff", meta);
    expect(((await (await me(issued.accessToken)).json()) as Issued["user"]).role).toBe("staff");
    await t.services.accounts.manage.setRole(admin, issued.user.id, "customer", meta);
    expect(((await (await me(issued.accessToken)).json()) as Issued["user"]).role).toBe(
      "customer",
    );
  });
});

describe("the audit log", () => {
  it("sign-in success: actor, action, ip and user agent", async () => {
    const issued = await register();
    const res = await login(issued.user.email, PASSWORD, "203.0.113.41");
    const sid = String(decodeJwt(((await res.json()) as Issued).accessToken).sid);
    const rows = (await audit("auth.signin")).filter((r) => r.details.sessionId === sid);
    expect(rows).toEqual([{
      actorId: issued.user.id,
      action: "auth.signin",
      entityType: "user",
      entityId: String(issued.user.id),
      details: { kind: "api", sessionId: sid },
      ip: "203.0.113.41",
      userAgent: "api-test/1.0",
    }]);
  });

  it("sign-in failure: the attempted email, never the password", async () => {
    const issued = await register();
    const secret = "Wrong-But-Secret-Guess-42";
    await login(issued.user.email, secret, "203.0.113.42");
    await login("ghost@example.com", secret, "203.0.113.42");
    const rows = (await audit("auth.signin_failed")).filter((r) => r.ip === "203.0.113.42");
    expect(rows).toEqual([
      {
        actorId: issued.user.id,
        action: "auth.signin_failed",
        entityType: "user",
        entityId: String(issued.user.id),
        details: { email: issued.user.email },
        ip: "203.0.113.42",
        userAgent: "api-test/1.0",
      },
      {
        actorId: null,
        action: "auth.signin_failed",
        entityType: "user",
        entityId: null,
        details: { email: "ghost@example.com" },
        ip: "203.0.113.42",
        userAgent: "api-test/1.0",
      },
    ]);
    const everything = await t.sql`select * from audit_log`;
    expect(JSON.stringify(everything)).not.toContain(secret);
    expect(JSON.stringify(everything)).not.toContain(PASSWORD);
  });

  it("sign-out: actor, session, ip and user agent", async () => {
    const issued = await register();
    await post("/auth/logout", undefined, {
      headers: bearer(issued.accessToken),
      ip: "203.0.113.43",
    });
    const sid = String(decodeJwt(issued.accessToken).sid);
    const rows = (await audit("auth.signout")).filter((r) => r.entityId === sid);
    expect(rows).toEqual([{
      actorId: issued.user.id,
      action: "auth.signout",
      entityType: "session",
      entityId: sid,
      details: {},
      ip: "203.0.113.43",
      userAgent: "api-test/1.0",
    }]);
  });

  it("role change: who changed whose role, from what to what", async () => {
    const issued = await register();
    const where = { ip: "203.0.113.44", userAgent: "admin-console" };
    expect(await t.services.accounts.manage.setRole(admin, issued.user.id, "staff", where))
      .toBe("customer");
    const rows = (await audit("user.role_changed")).filter((r) =>
      r.entityId === String(issued.user.id)
    );
    expect(rows).toEqual([{
      actorId: admin.id,
      action: "user.role_changed",
      entityType: "user",
      entityId: String(issued.user.id),
      details: { from: "customer", to: "staff" },
      ip: "203.0.113.44",
      userAgent: "admin-console",
    }]);
  });

  it("an admin cannot demote or disable themself", async () => {
    await expect(t.services.accounts.manage.setRole(admin, admin.id, "staff", meta)).rejects
      .toMatchObject({ status: 409, code: "own_role" });
    await expect(t.services.accounts.manage.setDisabled(admin, admin.id, true, meta)).rejects
      .toMatchObject({ status: 409, code: "own_account" });
  });
});
