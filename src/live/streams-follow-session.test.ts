import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AuthUser } from "../accounts/roles.ts";
import { createTestContext, eventually, type TestContext } from "../../tests/harness.ts";
import {
  account,
  boardConfig,
  Browser,
  PASSWORD,
  productIds,
  signedIn,
} from "../../tests/board-support.ts";

/**
 * Event streams follow the session that opened them, on every instance: signing out, a new
 * role, a disabled account or an ended session closes them at once. Anonymous streams are
 * capped per client network.
 */

let a: TestContext;
let b: TestContext;
let productId: number;
const meta = { ip: "192.0.2.10", userAgent: "streams-test" };

beforeAll(async () => {
  a = await createTestContext({
    seed: true,
    config: { ...boardConfig, SSE_HEARTBEAT_SECONDS: "1", SSE_ANONYMOUS_PER_ADDRESS: "3" },
  });
  // A second instance on the same database and store, as behind a load balancer.
  b = await createTestContext({
    db: a.db,
    store: a.store,
    config: { ...boardConfig, SSE_HEARTBEAT_SECONDS: "1", SSE_ANONYMOUS_PER_ADDRESS: "3" },
  });
  ({ "country-sourdough": productId } = await productIds(a, ["country-sourdough"]));
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const open: (() => void)[] = [];
afterEach(async () => {
  for (const abort of open.splice(0)) abort();
  await eventually(() => a.live.size() + b.live.size() === 0);
});

/** The same browser (cookies) talking to one instance or the other. */
const on = (browser: Browser, t: TestContext) => {
  const other = Browser.of(t.app);
  other.cookies = browser.cookies;
  return other;
};

async function stream(browser: Browser, path: string) {
  const opened = await browser.stream(path);
  open.push(opened.abort);
  expect(await opened.client.next()).toMatchObject({ retry: "2000" });
  return opened;
}

/** Waits for a stream to say its session ended and then to close. */
async function endsWithSession(client: Awaited<ReturnType<typeof stream>>["client"]) {
  expect(await client.until((f) => f.event === "session-ended")).toBeTruthy();
  expect(await client.next()).toBeNull();
}

/** An admin, as the admin screens pass the signed-in user to the account functions. */
async function admin(): Promise<AuthUser> {
  const who = await account(a, "admin");
  return { ...who, role: "admin", sessionId: crypto.randomUUID(), jti: "test", tokenExpiresAt: 0 };
}

describe("signed-in streams", () => {
  it("a cook demoted to customer loses the board on every instance before the next ticket", async () => {
    const { browser, who } = await signedIn(a, "staff");
    const onA = await stream(browser, "/board/events");
    const onB = await stream(on(browser, b), "/board/events");
    await onA.client.event();
    await onB.client.event();

    await a.services.accounts.manage.setRole(
      await admin(),
      who.id,
      "customer",
      meta,
    );
    await endsWithSession(onA.client);
    await endsWithSession(onB.client);
    await eventually(() => a.live.size() + b.live.size() === 0);

    // The board reloads on "session-ended": now it is not theirs to see, on either instance.
    expect((await browser.request("/board/events")).status).toBe(403);
    expect((await on(browser, b).request("/board/events")).status).toBe(403);
    // Still signed in as the customer they now are.
    expect((await browser.get("/account")).res.status).toBe(200);
  });

  it("a promotion closes the streams too, and the page reopens them with the new role", async () => {
    const { browser, who } = await signedIn(a, "customer");
    const order = await a.services.orders.place({
      userId: who.id,
      items: [{ productId, quantity: 1 }],
    });
    const page = await stream(browser, `/orders/${order.order.id}/events`);
    await a.services.accounts.manage.setRole(
      await admin(),
      who.id,
      "staff",
      meta,
    );
    await endsWithSession(page.client);
    const board = await stream(browser, "/board/events");
    expect((await board.client.event())?.data).toContain("col-new");
  });

  it("signing out closes the customer's order page stream on every instance", async () => {
    const { browser, who } = await signedIn(a, "customer");
    const { order } = await a.services.orders.place({
      userId: who.id,
      items: [{ productId, quantity: 1 }],
    });
    const onA = await stream(browser, `/orders/${order.id}/events`);
    const onB = await stream(on(browser, b), `/orders/${order.id}/events`);
    await onA.client.event();
    await onB.client.event();

    expect((await on(browser, b).post("/signout", {})).status).toBe(303);
    await endsWithSession(onA.client);
    await endsWithSession(onB.client);
    // The next change reaches nobody: both streams are gone.
    await a.services.orders.changeStatus(order.id, "cancelled", who);
    await eventually(() => a.live.size() + b.live.size() === 0);
  });

  it("disabling an account closes all its streams, in every browser it is signed in", async () => {
    const { browser: laptop, who } = await signedIn(a, "customer");
    const phone = Browser.of(b.app);
    expect((await phone.post("/signin", { email: who.email, password: PASSWORD })).status)
      .toBe(303);
    const { order } = await a.services.orders.place({
      userId: who.id,
      items: [{ productId, quantity: 1 }],
    });
    const fromLaptop = await stream(laptop, `/orders/${order.id}/events`);
    const fromPhone = await stream(phone, `/orders/${order.id}/events`);
    const stock = await stream(laptop, "/events/stock");
    const bystander = await stream(Browser.of(a.app), "/events/stock");

    await b.services.accounts.manage.setDisabled(
      await admin(),
      who.id,
      true,
      meta,
    );
    await endsWithSession(fromLaptop.client);
    await endsWithSession(fromPhone.client);
    await endsWithSession(stock.client);
    // Someone else's stream goes on.
    expect(a.live.size()).toBe(1);
    bystander.abort();
  });
});

describe("anonymous streams", () => {
  const peer = (ip: string) => (request: Request) =>
    a.app.request(request, undefined, { remoteAddr: { hostname: ip, port: 1, transport: "tcp" } });
  const from = (ip: string) => new Browser(peer(ip));

  it("are capped per client address; the next one is 429 until one closes", async () => {
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await stream(from("203.0.113.10"), "/events/stock"));
    const refused = await from("203.0.113.10").request("/events/stock");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("30");
    expect(await refused.text()).toContain("Too many live pages are open from your network.");
    expect((await from("203.0.113.10").request("/pickup/events")).status).toBe(429);

    // Other addresses, and signed-in visitors from the same one, are not counted with them.
    await stream(from("203.0.113.11"), "/events/stock");
    const { who } = await signedIn(a, "customer");
    const member = from("203.0.113.10");
    expect((await member.post("/signin", { email: who.email, password: PASSWORD })).status)
      .toBe(303);
    await stream(member, "/events/stock");

    held[0].abort();
    await eventually(async () => {
      const res = await from("203.0.113.10").request("/events/stock", {
        signal: AbortSignal.timeout(2000),
      });
      if (res.status !== 200) return false;
      await res.body?.cancel();
      return true;
    });
  });

  it("count an IPv6 client's whole /64 as one address", async () => {
    for (let i = 1; i <= 3; i++) await stream(from(`2001:db8:5:6::${i}`), "/events/stock");
    expect((await from("2001:db8:5:6:ffff::9").request("/events/stock")).status).toBe(429);
    await stream(from("2001:db8:5:7::1"), "/events/stock");
  });
});
