import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieBrowser } from "../../tests/cookie-browser.ts";
import { createTestContext, eventually, type TestContext, uniqueId } from "../../tests/harness.ts";
import { startConsumers, stopConsumers, workerDeps } from "../../worker/handlers/index.ts";
import { createApp, createServices } from "../app.ts";
import { accountDelayMs } from "./brute-force.ts";
import { DEVICE_COOKIE } from "./device-cookie.ts";

/**
 * Password guessing however it is spread: over many accounts from one address (spraying),
 * over many addresses on one account, on the password-change form and through sign-up.
 * Accounts slow down but never lock their owner out, and the owner is told.
 */

const PASSWORD = "crumbs-on-the-counter";
const MINUTE = 60_000;
const meta = { ip: "192.0.2.1", userAgent: "brute-force-test" };
const peer = (hostname: string) => ({ remoteAddr: { hostname, port: 1, transport: "tcp" } });

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t?.close());

/** An app on the context's infrastructure whose clock the test moves. */
function withClock(start = Date.now()) {
  const clock = { now: start };
  const deps = { ...t.deps, now: () => new Date(clock.now) };
  const services = createServices(deps);
  return { clock, services, app: createApp(deps, services) };
}
type Clocked = ReturnType<typeof withClock>;

const newEmail = (label: string) => `${label}-${uniqueId()}@example.com`;

async function account(label: string) {
  const email = newEmail(label);
  const user = await t.services.accounts.manage.register(
    { email, password: PASSWORD, name: "Owner Baker" },
    meta,
  );
  return { id: user.id, email };
}

const login = (env: Clocked, email: string, password: string, ip: string) =>
  env.app.request("/api/v1/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  }, peer(ip));

async function errorOf(res: Response) {
  return { status: res.status, ...((await res.json()) as { error: { message: string } }).error };
}

describe("spraying one address over many accounts", () => {
  it("checks twenty wrong passwords from one address, then refuses it everywhere", async () => {
    const env = withClock();
    const owner = await account("sprayed");
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const email = i === 7 ? owner.email : newEmail(`nobody${i}`);
      statuses.push((await login(env, email, "Winter2026!", "203.0.113.80")).status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    const refused = await login(env, owner.email, PASSWORD, "203.0.113.80");
    const error = await errorOf(refused);
    expect(error).toMatchObject({ status: 429, code: "too_many_attempts" });
    expect(error.message).toMatch(
      /^Too many failed sign-in attempts from your network\. Try again in \d+ minutes\.$/,
    );
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(13 * 60);
    expect(refused.headers.get("RateLimit-Policy")).toBe("20;w=900");
    // Other addresses are not held responsible; the sprayer's window passes.
    expect((await login(env, owner.email, PASSWORD, "203.0.113.81")).status).toBe(200);
    env.clock.now += 16 * MINUTE;
    expect((await login(env, owner.email, PASSWORD, "203.0.113.80")).status).toBe(200);
  });

  it("does not count a customer's own sign-ins against their address", async () => {
    const env = withClock();
    const owner = await account("regular");
    for (let i = 0; i < 30; i++) {
      expect((await login(env, owner.email, PASSWORD, "203.0.113.82")).status).toBe(200);
    }
  });

  it("64 parallel guessers from one address: twenty checks at most, the rest refused", async () => {
    const env = withClock();
    const answers = await Promise.all(
      Array.from(
        { length: 64 },
        (_, i) => login(env, newEmail(`p${i}`), "Spring2026!", "203.0.113.83"),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    const checked = statuses.filter((s) => s === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(20);
    for (const res of answers) {
      if (res.status === 429) expect(res.headers.get("Retry-After")).not.toBeNull();
    }
  });

  it("holds a refused guesser's answer for the configured pause, not a right one", async () => {
    const deps = { ...t.deps, config: { ...t.deps.config, signinRefusalPauseMs: 2500 } };
    const env = { ...withClock(), app: createApp(deps, createServices(deps)) };
    const owner = await account("paused");
    for (let i = 0; i < 20; i++) {
      await login(env, newEmail(`pause${i}`), "Summer2026!", "203.0.113.84");
    }
    let started = performance.now();
    expect((await login(env, newEmail("pause"), "Summer2026!", "203.0.113.84")).status).toBe(429);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2490);
    started = performance.now();
    expect((await login(env, owner.email, PASSWORD, "203.0.113.85")).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(2490);
  });

  it("counts an IPv6 client's whole /64 as one address", async () => {
    const env = withClock();
    for (let i = 1; i <= 20; i++) {
      expect((await login(env, newEmail("v6"), "Winter2026!", `2001:db8:9::${i}`)).status)
        .toBe(401);
    }
    expect((await login(env, newEmail("v6"), "Winter2026!", "2001:db8:9::abc")).status).toBe(429);
  });
});

describe("one account guessed from many addresses", () => {
  it("after five failures spaces attempts out with growing delays, whatever the address", async () => {
    const env = withClock(Math.ceil(Date.now() / MINUTE) * MINUTE);
    const victim = await account("victim");
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const ip = `198.51.100.${10 + Math.floor(i / 5)}`; // six addresses, five each
      statuses.push((await login(env, victim.email, `guess-${i}-xx`, ip)).status);
    }
    // Five free, then the account rests: two seconds after the fifth failure.
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(25).fill(429)]);
    // The right password from a seventh address waits its turn like any other.
    const seventh = await login(env, victim.email, PASSWORD, "198.51.100.99");
    const error = await errorOf(seventh);
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/for this account\. Try again in \d seconds?\./);
    expect(error.message).toContain(
      "Signing in on a device you have used here before still works.",
    );

    // Each further failure doubles the rest, up to 15 minutes.
    const waits: number[] = [];
    for (let failures = 5; failures <= 15; failures++) {
      env.clock.now += accountDelayMs(failures); // the account's next turn
      const guesser = `198.51.100.${50 + failures}`; // a fresh address each time
      expect((await login(env, victim.email, "another-guess", guesser)).status).toBe(401);
      const wait = await login(env, victim.email, "and-another", "198.51.100.51");
      expect(wait.status).toBe(429);
      waits.push(Number(wait.headers.get("Retry-After")));
    }
    expect(waits.slice(0, 5)).toEqual([4, 8, 16, 32, 64]);
    expect(Math.max(...waits)).toBe(900);
    expect(waits.at(-1)).toBe(900);
  });

  it("never locks the owner out: their browser and their usual address still sign in", async () => {
    const env = withClock();
    const victim = await account("owner");
    // The owner signed in on this browser before (it holds a device cookie) …
    const browser = new CookieBrowser(() => env.app, "203.0.113.90");
    expect((await browser.post("/signin", { email: victim.email, password: PASSWORD })).res.status)
      .toBe(303);
    expect(browser.cookies.has(DEVICE_COOKIE)).toBe(true);
    await browser.post("/signout");
    // … and with the API from this address.
    expect((await login(env, victim.email, PASSWORD, "203.0.113.91")).status).toBe(200);

    for (let i = 0; i < 40; i++) {
      await login(env, victim.email, `guess-${i}-yy`, `192.0.2.${i + 100}`);
    }
    expect((await login(env, victim.email, PASSWORD, "198.51.100.200")).status).toBe(429);

    const { res } = await browser.post("/signin", { email: victim.email, password: PASSWORD });
    expect(res.status).toBe(303);
    expect((await login(env, victim.email, PASSWORD, "203.0.113.91")).status).toBe(200);
    // The cookie was made for this account: another account gets no pass from it.
    const other = await account("other");
    for (let i = 0; i < 6; i++) await login(env, other.email, `guess-${i}-zz`, `192.0.2.${i + 10}`);
    const { res: refused, html } = await browser.post("/signin", {
      email: other.email,
      password: PASSWORD,
    });
    expect(refused.status).toBe(429);
    expect(html).toContain("Too many failed sign-in attempts for this account.");
  });

  it("a device cookie that keeps failing loses its pass", async () => {
    const env = withClock();
    const victim = await account("stolen-cookie");
    const browser = new CookieBrowser(() => env.app, "203.0.113.95");
    await browser.post("/signin", { email: victim.email, password: PASSWORD });
    await browser.post("/signout");
    // Ten wrong passwords from the cookie's browser, spread over addresses so no other
    // limit applies: it is the cookie that is guessing now.
    for (let i = 0; i < 10; i++) {
      const guesser = new CookieBrowser(() => env.app, `198.51.100.${120 + i}`);
      guesser.cookies = new Map(browser.cookies);
      expect(
        (await guesser.post("/signin", { email: victim.email, password: `no-${i}-xx` })).res
          .status,
      ).toBe(401);
    }
    const thief = new CookieBrowser(() => env.app, "198.51.100.140");
    thief.cookies = new Map(browser.cookies);
    const { res } = await thief.post("/signin", { email: victim.email, password: PASSWORD });
    expect(res.status).toBe(429);
  });

  it("tells the owner once, from what the audit log saw", async () => {
    const env = withClock();
    const victim = await account("told");
    for (let failures = 0; failures < 9; failures++) {
      env.clock.now += accountDelayMs(failures); // each attempt in its turn: all checked
      const res = await login(
        env,
        victim.email,
        `guess-${failures}-ww`,
        `198.51.100.${60 + (failures % 3)}`,
      );
      expect(res.status).toBe(401);
    }
    // The worker starts once all nine are in: it counts what the audit log holds when it
    // handles the event, and the event waits in the outbox until then.
    const consumers = await startConsumers(
      workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }),
    );
    t.services.relay.start();
    try {
      const notes = await eventually(async () => {
        const rows = await t.sql<
          { kind: string; recipient: string; subject: string; body: string }[]
        >`
          select kind, recipient, subject, body from notifications
          where user_id = ${victim.id} and kind = 'signin_warning'`;
        return rows.length ? rows : null;
      });
      expect(notes).toHaveLength(1);
      expect(notes![0].recipient).toBe(victim.email);
      expect(notes![0].subject).toBe("Someone is trying to sign in to your Crumb Bakery account");
      expect(notes![0].body).toContain(
        "in the last hour we saw 9 sign-ins with a wrong password from 3 different addresses.",
      );
      // Once: the failures went on, the event is not written again for them.
      const [{ events }] = await t.sql<{ events: number }[]>`
        select count(*)::int as events from outbox
        where type = 'user.signin_failures' and payload ->> 'userId' = ${String(victim.id)}`;
      expect(events).toBe(1);
    } finally {
      await t.services.relay.stop();
      await stopConsumers(consumers);
    }
  });
});

describe("the current password on the password-change form", () => {
  it("allows five wrong ones in 15 minutes, then refuses even the right one", async () => {
    const env = withClock();
    const owner = await account("changer");
    const browser = new CookieBrowser(() => env.app, "203.0.113.70");
    await browser.post("/signin", { email: owner.email, password: PASSWORD });
    const change = (currentPassword: string) =>
      browser.post("/account/password", { currentPassword, newPassword: "a-new-loaf-recipe" });
    for (let i = 0; i < 5; i++) {
      const { res, html } = await change(`not-it-${i}`);
      expect(res.status).toBe(422);
      expect(html).toContain("That is not your current password.");
    }
    const { res, html } = await change(PASSWORD);
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).not.toBeNull();
    expect(html).toMatch(/Too many wrong current passwords\. Try again in \d+ minutes\./);
    const [{ failed }] = await t.sql<{ failed: number }[]>`
      select count(*)::int as failed from audit_log
      where actor_id = ${owner.id} and action = 'account.password_check_failed'`;
    expect(failed).toBe(5);
    const [event] = await t.sql`
      select 1 from outbox
      where type = 'user.signin_failures' and payload ->> 'userId' = ${String(owner.id)}`;
    expect(event).toBeDefined();
    env.clock.now += 16 * MINUTE;
    expect((await change(PASSWORD)).res.status).toBe(303);
  });
});

describe("sign-up", () => {
  it("allows twenty new accounts per address an hour, on the page and through the API", async () => {
    const env = withClock();
    const ip = "203.0.113.60";
    for (let i = 0; i < 10; i++) {
      const browser = new CookieBrowser(() => env.app, ip);
      const { res } = await browser.post("/signup", {
        name: `Sign Up ${i}`,
        email: newEmail("signup"),
        password: PASSWORD,
      });
      expect(res.status).toBe(303);
    }
    const register = () =>
      env.app.request("/api/v1/auth/register", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: newEmail("api-signup"), password: PASSWORD, name: "Api" }),
      }, peer(ip));
    for (let i = 0; i < 10; i++) expect((await register()).status).toBe(201);
    const refused = await register();
    expect(await errorOf(refused)).toMatchObject({
      status: 429,
      message: expect.stringMatching(/^Too many new accounts from your network\./),
    });
    const { res, html } = await new CookieBrowser(() => env.app, ip).post("/signup", {
      name: "One Too Many",
      email: newEmail("signup"),
      password: PASSWORD,
    });
    expect(res.status).toBe(429);
    expect(html).toContain("Too many new accounts from your network.");
    // Another address signs up as usual.
    expect(
      (await new CookieBrowser(() => env.app, "203.0.113.61").post("/signup", {
        name: "Next Door",
        email: newEmail("signup"),
        password: PASSWORD,
      })).res.status,
    ).toBe(303);
  });
});
