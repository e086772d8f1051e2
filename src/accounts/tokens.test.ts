import { Hono } from "hono";
import { decodeJwt, decodeProtectedHeader, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { createApp, createServices } from "../app.ts";
import { errorHandler } from "../http/error-handler.tsx";
import type { AppEnv } from "../http/env.ts";
import { silentLogger } from "../infra/log.ts";
import { authentication, requireRole } from "./middleware.ts";
import {
  ACCESS_TOKEN_SECONDS,
  createTokens,
  hashToken,
  newRefreshToken,
  TokenError,
} from "./tokens.ts";

/**
 * Access tokens: every way a token can be wrong is refused with its own code, through
 * `GET /api/v1/me`, and the role always comes from the database, never from the token.
 */

interface ApiError {
  error: { code: string; message: string; fields?: Record<string, string> };
}
interface Issued {
  accessToken: string;
  refreshToken: string;
  user: { id: number; email: string; name: string; role: string };
}

const PASSWORD = "crumbs-on-the-counter";
const enc = (s: string) => new TextEncoder().encode(s);
const b64url = (s: string) => btoa(s).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");

let t: TestContext;
let secret: string;
let kid: string;
let customer: Issued;
let claims: JWTPayload;

type Requester = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

const me = (token: string | null, app: Requester = t.app) =>
  app.request(
    "/api/v1/me",
    token === null ? {} : { headers: { Authorization: `Bearer ${token}` } },
  );
const meWith = (authorization: string) =>
  t.app.request("/api/v1/me", { headers: { Authorization: authorization } });

async function expectRefused(res: Response, code: string, message?: string | RegExp) {
  expect(res.status).toBe(401);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = (await res.json()) as ApiError;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  if (message !== undefined) expect(body.error.message).toMatch(message);
  return body;
}

async function register(app: Requester, email: string, name = "Token Tester"): Promise<Issued> {
  const res = await app.request("/api/v1/auth/register", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, name }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Issued;
}

/** A token like ours, with any claim or header changed, signed with `key` (ours by default). */
function forge(
  changes: JWTPayload = {},
  header: Record<string, unknown> = {},
  key: Uint8Array | CryptoKey = enc(secret),
) {
  const now = Math.floor(Date.now() / 1000);
  const { iat: _i, nbf: _n, exp: _e, ...base } = claims;
  return new SignJWT({ ...base, ...changes })
    .setProtectedHeader({ alg: "HS256", kid, typ: "JWT", ...header } as never)
    .setIssuedAt(typeof changes.iat === "number" ? changes.iat : now)
    .setNotBefore(typeof changes.nbf === "number" ? changes.nbf : now)
    .setExpirationTime(
      typeof changes.exp === "number" ? changes.exp : now + ACCESS_TOKEN_SECONDS,
    )
    .sign(key);
}

beforeAll(async () => {
  t = await createTestContext();
  ({ kid, secret } = t.deps.config.jwtKeys[0]);
  customer = await register(t.app, "token.customer@example.com");
  claims = decodeJwt(customer.accessToken);
});
afterAll(() => t?.close());

describe("a valid access token", () => {
  it("names the user, pinned to HS256 with our kid, issuer and audience", async () => {
    const res = await me(customer.accessToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(customer.user);
    expect(decodeProtectedHeader(customer.accessToken)).toEqual({
      alg: "HS256",
      kid,
      typ: "JWT",
    });
    expect(claims).toMatchObject({ iss: "crumb", aud: "crumb", sub: String(customer.user.id) });
    expect(claims.exp! - claims.iat!).toBe(ACCESS_TOKEN_SECONDS);
    expect(claims.nbf).toBe(claims.iat);
  });

  it("is accepted with any capitalisation of the scheme and surrounding spaces", async () => {
    expect((await meWith(`bearer   ${customer.accessToken}  `)).status).toBe(200);
    expect((await meWith(`BEARER ${customer.accessToken}`)).status).toBe(200);
  });
});

describe("a missing or malformed Authorization header", () => {
  it("without a header: 401 unauthorized", async () => {
    await expectRefused(await me(null), "unauthorized", /Authorization: Bearer/);
  });

  it.each([
    ["another scheme", "Token abc"],
    ["Basic credentials", `Basic ${btoa("a:b")}`],
    ["Bearer alone", "Bearer"],
    ["two tokens", "Bearer a b"],
    ["an empty header", ""],
  ])("%s: 401 token_invalid", async (_, header) => {
    await expectRefused(
      await meWith(header),
      "token_invalid",
      "Send the access token as `Authorization: Bearer <token>`.",
    );
  });

  it("a token that is not a JWT at all: 401 token_invalid", async () => {
    for (const junk of ["abc", "a.b.c", "....", "eyJ.eyJ.sig"]) {
      await expectRefused(await me(junk), "token_invalid", "The access token is not valid.");
    }
  });

  it("a malformed token on a public endpoint is refused too, never ignored", async () => {
    const res = await t.app.request("/api/v1/products", {
      headers: { Authorization: "Bearer nonsense" },
    });
    await expectRefused(res, "token_invalid");
  });
});

describe("time", () => {
  it("expired 15 minutes after issue: token_expired", async () => {
    let clock = new Date();
    const deps = { ...t.deps, now: () => clock };
    const app = createApp(deps, createServices(deps));
    const session = await app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: customer.user.email, password: PASSWORD }),
    });
    const { accessToken } = (await session.json()) as Issued;
    clock = new Date(clock.getTime() + (ACCESS_TOKEN_SECONDS - 1) * 1000);
    expect((await me(accessToken, app)).status).toBe(200);
    clock = new Date(clock.getTime() + 2000);
    await expectRefused(
      await me(accessToken, app),
      "token_expired",
      "The access token has expired. Refresh it or sign in again.",
    );
  });

  it("minted with a clock in the future: token_not_yet_valid", async () => {
    const future = new Date(Date.now() + 10 * 60_000);
    const early = createTokens(t.deps.config.jwtKeys, () => future);
    const { token } = await early.sign(
      { id: customer.user.id, role: "customer" },
      String(claims.sid),
    );
    await expectRefused(
      await me(token),
      "token_not_yet_valid",
      "The access token is not valid yet.",
    );
  });

  it("nbf in the future but iat now: token_not_yet_valid", async () => {
    const token = await forge({ nbf: Math.floor(Date.now() / 1000) + 600 });
    await expectRefused(await me(token), "token_not_yet_valid");
  });
});

describe("forgery", () => {
  it("a payload changed after signing (role flipped to admin): token_invalid", async () => {
    const [header, payload, signature] = customer.accessToken.split(".");
    const claimsNow = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
    const flipped = b64url(JSON.stringify({ ...claimsNow, role: "admin" }));
    expect(flipped).not.toBe(payload);
    await expectRefused(
      await me(`${header}.${flipped}.${signature}`),
      "token_invalid",
      "The access token is not valid.",
    );
  });

  it("a token with another user's id but our signature missing: token_invalid", async () => {
    const [header, payload] = customer.accessToken.split(".");
    await expectRefused(await me(`${header}.${payload}.`), "token_invalid");
  });

  it("alg none (hand-built, no signature): token_invalid", async () => {
    const header = b64url(JSON.stringify({ alg: "none", typ: "JWT", kid }));
    const payload = b64url(JSON.stringify({ ...claims, role: "admin" }));
    for (const token of [`${header}.${payload}.`, `${header}.${payload}`]) {
      await expectRefused(await me(token), "token_invalid");
    }
    const res = await me(`${header}.${payload}.`);
    expect(((await res.json()) as ApiError).error.message).toBe(
      "The token uses an algorithm this server does not accept.",
    );
  });

  it("HS512 with the very same secret: token_invalid (algorithm pinned)", async () => {
    const token = await forge({}, { alg: "HS512" });
    await expectRefused(
      await me(token),
      "token_invalid",
      "The token uses an algorithm this server does not accept.",
    );
  });

  it("RS256 with a key pair of the attacker's: token_invalid", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const token = await forge({}, { alg: "RS256" }, privateKey);
    await expectRefused(
      await me(token),
      "token_invalid",
      "The token uses an algorithm this server does not accept.",
    );
  });

  it("the right key but the wrong issuer or audience: token_invalid", async () => {
    await expectRefused(
      await me(await forge({ iss: "someone-else" })),
      "token_invalid",
      "The access token's iss claim is wrong.",
    );
    await expectRefused(
      await me(await forge({ aud: "another-app" })),
      "token_invalid",
      "The access token's aud claim is wrong.",
    );
  });

  it("a kid we do not have, or none at all: token_invalid", async () => {
    await expectRefused(
      await me(await forge({}, { kid: "stolen" })),
      "token_invalid",
      "The token was signed by an unknown key.",
    );
    await expectRefused(
      await me(await forge({}, { kid: undefined })),
      "token_invalid",
      "The token was signed by an unknown key.",
    );
  });

  it("a known kid whose secret is not the signer's: token_invalid", async () => {
    const token = await forge({}, {}, enc("an-attacker-secret-that-is-long-enough!"));
    await expectRefused(await me(token), "token_invalid", "The access token is not valid.");
  });

  it("required claims missing or malformed: token_invalid, never a server error", async () => {
    const cases: JWTPayload[] = [
      { sid: undefined },
      { sid: "not-a-uuid'; drop table users;--" },
      { sub: "1 or 1=1" },
      { sub: "99999999999" },
      { sub: "-1" },
      { role: undefined },
    ];
    for (const changes of cases) {
      const res = await me(await forge(changes));
      expect(res.status, JSON.stringify(changes)).toBe(401);
      expect(((await res.json()) as ApiError).error.code).toBe("token_invalid");
    }
    const noJti = await new SignJWT({ role: "customer", sid: claims.sid })
      .setProtectedHeader({ alg: "HS256", kid })
      .setSubject(String(customer.user.id)).setIssuer("crumb").setAudience("crumb")
      .setIssuedAt().setNotBefore("0s").setExpirationTime("5m").sign(enc(secret));
    await expectRefused(await me(noJti), "token_invalid");
  });

  it("a signed token for a session the user never had: session_ended", async () => {
    const token = await forge({ sid: crypto.randomUUID() });
    await expectRefused(await me(token), "session_ended");
  });

  it("a signed token for a user that does not exist: session_ended", async () => {
    await expectRefused(await me(await forge({ sub: "777777" })), "session_ended");
  });
});

describe("the role claim is never believed", () => {
  it("a validly signed token claiming admin for a customer is still a customer", async () => {
    const token = await forge({ role: "admin" });
    expect(decodeJwt(token).role).toBe("admin");
    const res = await me(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: customer.user.id, role: "customer" });
  });

  it("and an admin-only route refuses it with 403 forbidden", async () => {
    const guarded = new Hono<AppEnv>()
      .use((c, next) => {
        c.set("meta", { ip: "127.0.0.1", userAgent: "test" });
        return next();
      })
      .use(authentication(t.services.accounts, { cookieSecure: false }))
      .get("/api/v1/admin-only", requireRole("admin"), (c) => c.json({ ok: true }));
    guarded.onError(
      errorHandler(silentLogger, { name: "C", currency: "EUR", locale: "en", assetVersion: "t" }),
    );
    const res = await guarded.request("/api/v1/admin-only", {
      headers: { Authorization: `Bearer ${await forge({ role: "admin" })}` },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: { code: "forbidden", message: "Your account is not allowed to use this." },
    });
  });
});

describe("key rotation", () => {
  const newSecret = "n".repeat(20) + "-new-signing-secret";
  const oldSecret = "o".repeat(20) + "-old-signing-secret";
  let rotated: TestContext;
  beforeAll(async () => {
    rotated = await createTestContext({
      config: { JWT_KEYS: `new:${newSecret},old:${oldSecret}` },
    });
  });
  afterAll(() => rotated?.close());

  it("the first key signs new tokens; a token of the second key still verifies", async () => {
    const issued = await register(rotated.app, "rotation@example.com");
    expect(decodeProtectedHeader(issued.accessToken).kid).toBe("new");
    const sid = String(decodeJwt(issued.accessToken).sid);

    const old = createTokens([{ kid: "old", secret: oldSecret }]);
    const { token } = await old.sign({ id: issued.user.id, role: "customer" }, sid);
    expect(decodeProtectedHeader(token).kid).toBe("old");
    const res = await me(token, rotated.app);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(issued.user);
  });

  it("a key that was removed no longer verifies", async () => {
    const issued = await register(rotated.app, "rotation.removed@example.com");
    const sid = String(decodeJwt(issued.accessToken).sid);
    const gone = createTokens([{ kid: "older", secret: "g".repeat(40) }]);
    const { token } = await gone.sign({ id: issued.user.id, role: "customer" }, sid);
    await expectRefused(
      await me(token, rotated.app),
      "token_invalid",
      "The token was signed by an unknown key.",
    );
  });

  it("a token under a known kid but signed with another key's secret fails", async () => {
    const issued = await register(rotated.app, "rotation.swap@example.com");
    const sid = String(decodeJwt(issued.accessToken).sid);
    const swapped = createTokens([{ kid: "old", secret: newSecret }]);
    const { token } = await swapped.sign({ id: issued.user.id, role: "customer" }, sid);
    await expectRefused(await me(token, rotated.app), "token_invalid");
  });
});

describe("createTokens", () => {
  const keys = [{ kid: "k1", secret: "s".repeat(40) }];

  it("round-trips the claims", async () => {
    const at = new Date("2030-01-01T00:00:00Z");
    const tokens = createTokens(keys, () => at);
    const sid = crypto.randomUUID();
    const { token, jti, expiresAt } = await tokens.sign({ id: 42, role: "staff" }, sid);
    expect(await tokens.verify(token)).toEqual({
      userId: 42,
      role: "staff",
      jti,
      sessionId: sid,
      issuedAt: at.getTime() / 1000,
      expiresAt,
    });
    expect(expiresAt).toBe(at.getTime() / 1000 + ACCESS_TOKEN_SECONDS);
  });

  it("throws TokenError with a code, for programs", async () => {
    const tokens = createTokens(keys);
    const error = await tokens.verify("x.y.z").catch((e) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ code: "token_invalid" });
  });

  it("refresh tokens: 256 random bits, URL-safe, only their SHA-256 is stored", async () => {
    const a = newRefreshToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newRefreshToken()).not.toBe(a);
    const hash = await hashToken(a);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const [row] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from refresh_tokens
      where token_hash = ${await hashToken(customer.refreshToken)}`;
    expect(row.n).toBe(1);
    const [raw] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from refresh_tokens where token_hash = ${customer.refreshToken}`;
    expect(raw.n).toBe(0);
  });
});
