import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { createApp, createServices, type Services } from "../app.ts";
import { CSRF_COOKIE } from "../http/csrf.ts";
import { ACCESS_COOKIE, safeReturnPath } from "./middleware.ts";
import type { Role } from "./roles.ts";

/**
 * Cross-cutting defences seen from outside: sign-in lockout, the API's request budget and
 * whose it is, proxies, role checks on every staff and admin route, and CSRF on forms.
 */

interface ApiError {
  error: { code: string; message: string; fields?: Record<string, string> };
}
interface Issued {
  accessToken: string;
  refreshToken: string;
  user: { id: number; email: string; role: Role };
}
type App = ReturnType<typeof createApp>;

const PASSWORD = "crumbs-on-the-counter";
const MINUTE = 60_000;
const meta = { ip: "192.0.2.1", userAgent: "security-test" };
const peer = (hostname: string) => ({ remoteAddr: { hostname, port: 1, transport: "tcp" } });

/** An app on the context's infrastructure whose clock the test moves. */
function withClock(t: TestContext, start: number) {
  const clock = { now: start };
  const deps = { ...t.deps, now: () => new Date(clock.now) };
  const services = createServices(deps);
  return { clock, services, app: createApp(deps, services) };
}

/** The start of a minute still ahead of the real clock (so tokens minted now are valid). */
const nextMinute = () => Math.ceil(Date.now() / MINUTE) * MINUTE + MINUTE;

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as ApiError;
  expect(body.error.code).toBe(code);
  return body.error;
}

async function createUser(services: Services, email: string, role: Role = "customer") {
  const user = await services.accounts.manage.register(
    { email, password: PASSWORD, name: `A ${role}` },
    meta,
    role,
  );
  return await services.accounts.sessions.startSession(user, meta, "api");
}

describe("sign-in lockout", () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext();
  });
  afterAll(() => t?.close());

  const login = (app: App, email: string, password: string, ip: string) =>
    app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
    }, peer(ip));

  it("five failures lock out even the right password; Retry-After tells when to return", async () => {
    const { app, clock, services } = withClock(t, Date.now());
    const email = "locked@example.com";
    await createUser(services, email);
    for (let i = 0; i < 5; i++) {
      await expectError(
        await login(app, email, `wrong-guess-${i}`, "203.0.113.7"),
        401,
        "invalid_credentials",
      );
    }
    const locked = await login(app, email, PASSWORD, "203.0.113.7");
    const error = await expectError(locked, 429, "too_many_attempts");
    const retryAfter = Number(locked.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(15 * 60);
    expect(retryAfter).toBeLessThanOrEqual(16 * 60);
    const minutes = Math.ceil(retryAfter / 60);
    expect(error.message).toBe(
      `Too many failed sign-in attempts. Try again in ${minutes} minutes.`,
    );
    expect(locked.headers.get("RateLimit-Policy")).toBe("5;w=900");
    expect(locked.headers.get("RateLimit")).toBe(`limit=5, remaining=0, reset=${retryAfter}`);

    // The same address in other capitals and spaces is the same address.
    await expectError(
      await login(app, ` ${email.toUpperCase()} `, PASSWORD, "203.0.113.7"),
      429,
      "too_many_attempts",
    );
    // Another address is not locked out: it waits the account's short rest after five
    // failures (two seconds; see brute-force.test.ts for the growing delays), then gets in.
    await expectError(await login(app, email, PASSWORD, "203.0.113.8"), 429, "too_many_attempts");
    clock.now += 2000;
    expect((await login(app, email, PASSWORD, "203.0.113.8")).status).toBe(200);
    await expectError(
      await login(app, "someone.else@example.com", "x-wrong-guess", "203.0.113.7"),
      401,
      "invalid_credentials",
    );

    clock.now += (retryAfter - 30) * 1000;
    await expectError(await login(app, email, PASSWORD, "203.0.113.7"), 429, "too_many_attempts");
    clock.now += 30 * 1000;
    const back = await login(app, email, PASSWORD, "203.0.113.7");
    expect(back.status).toBe(200);
  });

  it("after the window has passed, the right password gets in", async () => {
    const { app, clock, services } = withClock(t, Date.now());
    const email = "window@example.com";
    await createUser(services, email);
    for (let i = 0; i < 5; i++) await login(app, email, `wrong-guess-${i}`, "203.0.113.17");
    expect((await login(app, email, PASSWORD, "203.0.113.17")).status).toBe(429);
    clock.now += 14 * MINUTE;
    expect((await login(app, email, PASSWORD, "203.0.113.17")).status).toBe(429);
    clock.now += 2 * MINUTE + 1000;
    expect((await login(app, email, PASSWORD, "203.0.113.17")).status).toBe(200);
  });

  it("a success clears the failures", async () => {
    const { app, services } = withClock(t, Date.now());
    const email = "forgiven@example.com";
    await createUser(services, email);
    for (let i = 0; i < 4; i++) await login(app, email, `wrong-guess-${i}`, "203.0.113.27");
    expect((await login(app, email, PASSWORD, "203.0.113.27")).status).toBe(200);
    for (let i = 0; i < 4; i++) {
      await expectError(
        await login(app, email, `wrong-again-${i}`, "203.0.113.27"),
        401,
        "invalid_credentials",
      );
    }
    expect((await login(app, email, PASSWORD, "203.0.113.27")).status).toBe(200);
  });

  it("no fresh five guesses at the edge of a 15-minute window", async () => {
    const edge = Math.ceil(Date.now() / (15 * MINUTE)) * 15 * MINUTE;
    const { app, clock, services } = withClock(t, edge - 2000);
    const email = "edge@example.com";
    await createUser(services, email);
    for (let i = 0; i < 5; i++) await login(app, email, `wrong-guess-${i}`, "203.0.113.37");
    clock.now = edge + 2000;
    await expectError(
      await login(app, email, "wrong-guess-6", "203.0.113.37"),
      429,
      "too_many_attempts",
    );
    await expectError(await login(app, email, PASSWORD, "203.0.113.37"), 429, "too_many_attempts");
  });

  it("parallel guesses cannot slip past the count", async () => {
    const { app, services } = withClock(t, Date.now());
    const email = "parallel@example.com";
    await createUser(services, email);
    const answers = await Promise.all(
      Array.from(
        { length: 12 },
        (_, i) => login(app, email, `parallel-guess-${i}`, "203.0.113.47"),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
    await expectError(await login(app, email, PASSWORD, "203.0.113.47"), 429, "too_many_attempts");
  });

  it("unknown emails are locked out the same way (no enumeration by lockout)", async () => {
    const { app } = withClock(t, Date.now());
    for (let i = 0; i < 5; i++) {
      await login(app, "nobody@example.com", `guess-${i}-xx`, "203.0.113.57");
    }
    const res = await login(app, "nobody@example.com", "guess-6-xx", "203.0.113.57");
    await expectError(res, 429, "too_many_attempts");
    expect(res.headers.get("Retry-After")).not.toBeNull();
  });
});

describe("API request budget", () => {
  let t: TestContext;
  let env: ReturnType<typeof withClock>;
  let base: number;
  let staff1: Issued;
  let staff2: Issued;
  let customer1: Issued;
  let customer2: Issued;

  beforeAll(async () => {
    t = await createTestContext({
      config: { API_RATE_LIMIT_PER_MINUTE: "3", TRUSTED_PROXIES: "10.0.0.1, 10.0.0.2" },
    });
    base = nextMinute();
    env = withClock(t, base);
    staff1 = await createUser(env.services, "staff1@example.com", "staff");
    staff2 = await createUser(env.services, "staff2@example.com", "admin");
    customer1 = await createUser(env.services, "customer1@example.com");
    customer2 = await createUser(env.services, "customer2@example.com");
  });
  afterAll(() => t?.close());

  /** Each test gets minutes of its own, a second past their start, from one fixed base. */
  let minute = 0;
  const freshMinute = () => {
    minute += 2;
    env.clock.now = base + minute * MINUTE + 1000;
  };

  const get = (ip: string, headers: Record<string, string> = {}) =>
    env.app.request("/api/v1/products", { headers }, peer(ip));
  const statuses = async (n: number, request: () => Response | Promise<Response>) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push((await request()).status);
    return out;
  };
  const as = (user: Issued) => ({ Authorization: `Bearer ${user.accessToken}` });

  it("the 4th request in a minute is 429 rate_limited with the standard headers", async () => {
    freshMinute();
    const ok = [];
    for (let i = 0; i < 3; i++) ok.push(await get("198.51.100.1"));
    expect(ok.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(ok.map((r) => r.headers.get("RateLimit"))).toEqual([
      "limit=3, remaining=2, reset=59",
      "limit=3, remaining=1, reset=59",
      "limit=3, remaining=0, reset=59",
    ]);
    expect(ok[0].headers.get("RateLimit-Policy")).toBe("3;w=60");

    const refused = await get("198.51.100.1");
    const error = await expectError(refused, 429, "rate_limited");
    expect(error.message).toBe("Too many requests. Try again in 59 seconds.");
    expect(refused.headers.get("Retry-After")).toBe("59");
    expect(refused.headers.get("RateLimit")).toBe("limit=3, remaining=0, reset=59");
    expect(refused.headers.get("RateLimit-Policy")).toBe("3;w=60");

    env.clock.now += MINUTE;
    expect((await get("198.51.100.1")).status).toBe(200);
  });

  it("anonymous clients behind one address share a budget; other addresses have their own", async () => {
    freshMinute();
    expect((await get("198.51.100.2", { "User-Agent": "kiosk-a" })).status).toBe(200);
    expect((await get("198.51.100.2", { "User-Agent": "kiosk-b" })).status).toBe(200);
    expect((await get("198.51.100.2", { "User-Agent": "kiosk-a" })).status).toBe(200);
    expect((await get("198.51.100.2", { "User-Agent": "kiosk-b" })).status).toBe(429);
    expect((await get("198.51.100.3")).status).toBe(200);
  });

  it("staff and admins count per user, not per address", async () => {
    freshMinute();
    const ip = "198.51.100.4";
    expect(await statuses(4, () => get(ip, as(staff1)))).toEqual([200, 200, 200, 429]);
    expect(await statuses(4, () => get(ip, as(staff2)))).toEqual([200, 200, 200, 429]);
    // The address's own (anonymous) budget is untouched by them.
    expect(await statuses(4, () => get(ip))).toEqual([200, 200, 200, 429]);
    // And a staff member keeps their budget from any address.
    expect((await get("198.51.100.5", as(staff1))).status).toBe(429);
  });

  it("customers count per address, with anonymous clients there", async () => {
    freshMinute();
    const ip = "198.51.100.6";
    expect((await get(ip, as(customer1))).status).toBe(200);
    expect((await get(ip, as(customer2))).status).toBe(200);
    expect((await get(ip)).status).toBe(200);
    await expectError(await get(ip, as(customer1)), 429, "rate_limited");
  });

  it("X-Forwarded-For from an untrusted peer is ignored", async () => {
    freshMinute();
    const spoofed = (n: number) => get("198.51.100.7", { "X-Forwarded-For": `192.0.2.${n}` });
    expect(await statuses(4, () => spoofed(Math.floor(Math.random() * 250))))
      .toEqual([200, 200, 200, 429]);
  });

  it("behind a trusted proxy: the right-most untrusted hop, spoofed entries ignored", async () => {
    freshMinute();
    let n = 0;
    const viaProxy = () =>
      get("10.0.0.1", { "X-Forwarded-For": `6.6.6.${++n}, 203.0.113.9, 10.0.0.2` });
    expect(await statuses(4, viaProxy)).toEqual([200, 200, 200, 429]);
    // Another client behind the same proxy has a budget of its own.
    expect((await get("10.0.0.1", { "X-Forwarded-For": "203.0.113.10" })).status).toBe(200);
    // The proxy itself, forwarding nothing, is a client of its own.
    expect((await get("10.0.0.1")).status).toBe(200);
  });

  it("the budget holds for failed sign-ins too", async () => {
    freshMinute();
    const attempt = () =>
      env.app.request("/api/v1/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: "x@example.com", password: "not-it-at-all" }),
      }, peer("198.51.100.8"));
    expect(await statuses(4, attempt)).toEqual([401, 401, 401, 429]);
  });
});

describe("staff and admin routes", () => {
  let t: TestContext;
  const users: Partial<Record<Role, Issued>> = {};
  beforeAll(async () => {
    t = await createTestContext();
    for (const role of ["customer", "staff", "admin"] as const) {
      users[role] = await createUser(t.services, `${role}.routes@example.com`, role);
    }
  });
  afterAll(() => t?.close());

  /** Every registered route under a staff or admin prefix, from the app's own table. */
  const guardedRoutes = () => {
    const seen = new Set<string>();
    for (const route of t.app.routes) {
      if (route.method === "ALL") continue;
      if (!/^\/(board|admin|staff|api\/v1\/(staff|admin))(\/|$)/.test(route.path)) continue;
      seen.add(`${route.method} ${route.path.replace(/:\w+(\{[^}]*\})?/g, "1")}`);
    }
    return [...seen].map((entry) => entry.split(" ") as [string, string]);
  };

  const request = (method: string, path: string, user?: Issued) =>
    t.app.request(path, {
      method,
      headers: {
        "Sec-Fetch-Site": "same-origin",
        ...(user
          ? path.startsWith("/api/")
            ? { Authorization: `Bearer ${user.accessToken}` }
            : { Cookie: `${ACCESS_COOKIE}=${user.accessToken}` }
          : {}),
      },
    });

  it("the board and the admin pages exist", () => {
    const paths = guardedRoutes().map(([, path]) => path);
    expect(paths).toContain("/board");
    expect(paths).toContain("/admin");
  });

  it("a customer gets 403 from every one of them", async () => {
    for (const [method, path] of guardedRoutes()) {
      const res = await request(method, path, users.customer);
      expect(res.status, `${method} ${path}`).toBe(403);
      if (path.startsWith("/api/")) {
        expect(((await res.json()) as ApiError).error.code).toBe("forbidden");
      } else {
        expect(await res.text()).toContain("Your account is not allowed to use this.");
      }
    }
  });

  it("staff get the board but not the admin pages", async () => {
    expect((await request("GET", "/board", users.staff)).status).toBe(200);
    for (
      const [method, path] of guardedRoutes().filter(([, p]) => /^\/(api\/v1\/)?admin/.test(p))
    ) {
      expect((await request(method, path, users.staff)).status, `${method} ${path}`).toBe(403);
    }
  });

  it("admins get both", async () => {
    expect((await request("GET", "/board", users.admin)).status).toBe(200);
    expect((await request("GET", "/admin", users.admin)).status).toBe(200);
  });

  it("signed out: pages redirect to sign-in with the way back", async () => {
    for (const path of ["/board", "/admin"]) {
      const res = await request("GET", path);
      expect(res.status).toBe(303);
      expect(res.headers.get("Location")).toBe(`/signin?next=${encodeURIComponent(path)}`);
    }
  });

  it("a demoted admin loses the admin pages on the next request", async () => {
    const issued = await createUser(t.services, "demoted@example.com", "admin");
    expect((await request("GET", "/admin", issued)).status).toBe(200);
    const actor = await t.services.accounts.auth.authenticate(users.admin!.accessToken);
    await t.services.accounts.manage.setRole(actor, issued.user.id, "customer", meta);
    expect((await request("GET", "/admin", issued)).status).toBe(403);
  });
});

describe("CSRF on the site's forms", () => {
  let t: TestContext;
  let user: Issued;
  const TOKEN = "a-valid-looking-csrf-token-123";
  beforeAll(async () => {
    t = await createTestContext();
    user = await createUser(t.services, "csrf@example.com");
  });
  afterAll(() => t?.close());

  const postForm = (
    path: string,
    headers: Record<string, string>,
    fields: Record<string, string> = {},
  ) =>
    t.app.request(`http://localhost${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  const signedIn = () => ({ Cookie: `${ACCESS_COOKIE}=${user.accessToken}` });

  async function expectCsrfRefusal(res: Response) {
    expect(res.status).toBe(403);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("was not sent from this shop&#39;s own pages");
  }
  const stillSignedIn = async () =>
    expect(
      (await t.app.request("/api/v1/me", {
        headers: { Authorization: `Bearer ${user.accessToken}` },
      })).status,
    ).toBe(200);

  it.each([
    ["Sec-Fetch-Site: cross-site", { "Sec-Fetch-Site": "cross-site" }],
    ["Origin: https://evil.example", { Origin: "https://evil.example" }],
  ])("a cross-site form post (%s) to /signout or /signin: 403", async (_, headers) => {
    await expectCsrfRefusal(
      await postForm("/signout", { ...signedIn(), ...headers }),
    );
    await stillSignedIn();
    await expectCsrfRefusal(
      await postForm("/signin", headers, { email: "csrf@example.com", password: PASSWORD }),
    );
  });

  it("a same-origin post passes", async () => {
    const res = await postForm("/signin", { "Sec-Fetch-Site": "same-origin" }, {
      email: "csrf@example.com",
      password: PASSWORD,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/account");
    const origin = await postForm("/signin", { Origin: "http://localhost" }, {
      email: "csrf@example.com",
      password: PASSWORD,
    });
    expect(origin.status).toBe(303);
  });

  it("neither header: a matching _csrf field and cookie pass, anything else is 403", async () => {
    const withCookie = { Cookie: `${CSRF_COOKIE}=${TOKEN}` };
    await expectCsrfRefusal(await postForm("/signout", withCookie));
    await expectCsrfRefusal(await postForm("/signout", withCookie, { _csrf: `${TOKEN}x` }));
    await expectCsrfRefusal(await postForm("/signout", {}, { _csrf: TOKEN }));
    const res = await postForm("/signout", withCookie, { _csrf: TOKEN });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
  });

  it("the token the sign-in page renders is the one that passes", async () => {
    const page = await t.app.request("http://localhost/signin");
    const html = await page.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(token).toMatch(/^[\w-]{20,64}$/);
    const cookie = page.headers.get("Set-Cookie")?.split(";")[0];
    expect(cookie).toBe(`${CSRF_COOKIE}=${token}`);
    const res = await postForm("/signin", { Cookie: cookie! }, {
      _csrf: token!,
      email: "csrf@example.com",
      password: PASSWORD,
    });
    expect(res.status).toBe(303);
  });

  it("the JSON API is not subject to CSRF: it takes only bearer tokens", async () => {
    const res = await t.app.request("/api/v1/auth/login", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Sec-Fetch-Site": "cross-site",
        Origin: "https://evil.example",
      },
      body: JSON.stringify({ email: "csrf@example.com", password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    // A browser's session cookie does not authenticate an API call, so it cannot be borrowed.
    await expectError(
      await t.app.request("/api/v1/me", { headers: signedIn() }),
      401,
      "unauthorized",
    );
    await expectError(
      await t.app.request("/api/v1/auth/logout", {
        method: "POST",
        headers: { ...signedIn(), "Sec-Fetch-Site": "cross-site" },
      }),
      401,
      "unauthorized",
    );
    await stillSignedIn();
  });
});

describe("safeReturnPath", () => {
  it.each([
    "//evil.com",
    "///evil.com",
    "https://evil.com",
    "http:evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/%2F%2Fevil.com",
    "/%5Cevil.com",
    "javascript:alert(1)",
    "\t//evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r\n/evil.com",
    " //evil.com",
    "evil.com",
    "",
    null,
    undefined,
  ])("%j → /", (next) => {
    expect(safeReturnPath(next)).toBe("/");
  });

  it.each([
    ["/account?x=1#y", "/account?x=1#y"],
    ["/", "/"],
    ["/products/rye-bread", "/products/rye-bread"],
    ["/a/../account", "/account"],
    ["/search?q=%2F%2Fevil.com", "/search?q=%2F%2Fevil.com"],
  ])("%j is kept as %j", (next, kept) => {
    expect(safeReturnPath(next)).toBe(kept);
  });

  it("never yields something a browser would read as another host", () => {
    const attempts = [
      "/%2F%2Fevil.com",
      "/%09/evil.com",
      "/.//evil.com",
      "/./\\evil.com",
      "/%5C%5Cevil.com",
      "/\u3000/evil.com",
    ];
    for (const next of attempts) {
      const result = safeReturnPath(next);
      expect(result, next).toMatch(/^\/(?![/\\])/);
      expect(new URL(result, "https://shop.example").origin).toBe("https://shop.example");
    }
  });
});
