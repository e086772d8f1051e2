import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { CookieBrowser } from "../../tests/cookie-browser.ts";
import { account, PASSWORD } from "../../tests/board-support.ts";
import { api } from "../../tests/orders-support.ts";
import { bakeryAt, bakeryConfig, dailyProduct, SATURDAY } from "../../tests/bakery-support.ts";
import { sseClient, type SseFrame } from "../../tests/sse-client.ts";

/**
 * A cart in step across its owner's tabs and devices: every change (a page's form, the API,
 * another day chosen) reaches the owner's open pages as a `cart-changed` event with the new
 * count and state, and the cart page then shows that state.
 */

let base: TestContext;
let t: TestContext;
beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
});
afterAll(() => base?.close());

const open: AbortController[] = [];
afterEach(() => {
  for (const controller of open.splice(0)) controller.abort();
});

const device = () => new CookieBrowser(() => t.app);

/** A customer signed in on as many devices as asked. */
async function customer(devices: number) {
  const who = await account(t, "customer");
  const browsers = [];
  for (let i = 0; i < devices; i++) {
    const browser = device();
    const { res } = await browser.post("/signin", { email: who.email, password: PASSWORD });
    expect(res.status).toBe(303);
    browsers.push(browser);
  }
  return { who, browsers };
}

async function listen(browser: CookieBrowser, path = "/events/stock") {
  const controller = new AbortController();
  open.push(controller);
  const res = await browser.open(path, {}, controller.signal);
  expect(res.status).toBe(200);
  const client = sseClient(res);
  await client.until((f) => f.id === "stock");
  return client;
}

const cartChange = (f: SseFrame) => f.event === "cart-changed";
const changeOf = (f: SseFrame) => JSON.parse(f.data!) as { count: number; state: string };
/**
 * A change heard with this count. An event of an earlier change may still arrive first
 * (it was published beside an earlier response): pages fetch the truth on every event.
 */
const withCount = (count: number) => (f: SseFrame) => cartChange(f) && changeOf(f).count === count;
const withState = (state: string) => (f: SseFrame) => cartChange(f) && changeOf(f).state === state;
const stateOn = (html: string) => html.match(/data-cart-state="([^"]*)"/)?.[1];
const countOn = (html: string) => Number(html.match(/id="cart-count"[^>]*data-count="(\d+)"/)?.[1]);

describe("a signed-in customer's cart on two devices", () => {
  it("adding on the phone reaches the laptop's pages with the count, and its cart page shows it", async () => {
    const bread = await dailyProduct(t, 20);
    const { browsers: [laptop, phone] } = await customer(2);
    const stream = await listen(laptop);

    const added = await phone.post("/cart/items", { productId: String(bread.id), quantity: "2" });
    expect(added.res.status).toBe(303);
    const change = changeOf(await stream.until(withCount(2)));

    const page = await laptop.get("/cart");
    expect(countOn(page.html)).toBe(2);
    expect(stateOn(page.html)).toBe(change.state);
    expect(page.html).toContain(`id="qty-${bread.id}"`);
  });

  it("a change through the API (the phone app) and a new pickup day reach the website too", async () => {
    // Six baked on weekdays, three on Saturdays.
    const bread = await dailyProduct(t, [6, 6, 6, 6, 6, 3, 0]);
    const who = await account(t, "customer");
    const laptop = device();
    await laptop.post("/signin", { email: who.email, password: PASSWORD });
    // The phone app signs in through the API as the same customer.
    const login = await t.app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: who.email, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const phone = {
      id: who.id,
      token: (await login.json()).accessToken,
      role: "customer" as const,
    };
    const stream = await listen(laptop);

    const put = await api(t, phone, "PUT", `/cart/items/${bread.id}`, { quantity: 5 });
    expect(put.status).toBe(200);
    expect((await put.json()).lines[0]).toMatchObject({
      productId: bread.id,
      quantity: 5,
      short: 0,
    });
    await stream.until(withCount(5));

    // Saturday has only three: the API's line says what is short, and so does the page.
    const day = await api(t, phone, "PUT", "/cart/date", { date: SATURDAY });
    expect(day.status).toBe(200);
    expect((await day.json()).lines[0]).toMatchObject({ available: 3, short: 2 });
    const change = changeOf(await stream.until(withState(`${bread.id}:5@${SATURDAY}`)));
    const page = await laptop.get("/cart");
    expect(stateOn(page.html)).toBe(change.state);
    expect(page.html).toContain("Only 3 left for Sat 19 Apr.");
  });

  it("another customer's pages hear only their own cart", async () => {
    const bread = await dailyProduct(t, 20);
    const { browsers: [ann] } = await customer(1);
    const { browsers: [bob] } = await customer(1);
    const bobHears = await listen(bob);
    await ann.post("/cart/items", { productId: String(bread.id), quantity: "7" });
    await bob.post("/cart/items", { productId: String(bread.id), quantity: "1" });
    // Bob's first cart event is his own change, not Ann's earlier one.
    expect(changeOf(await bobHears.until(cartChange)).count).toBe(1);
  });
});

describe("a guest's tabs", () => {
  it("share the cart cookie, so a second tab's count follows the first's add", async () => {
    const bread = await dailyProduct(t, 20);
    const first = device();
    await first.post("/cart/items", { productId: String(bread.id), quantity: "1" });
    const second = new CookieBrowser(() => t.app, first.ip);
    second.cookies = first.cookies;
    const stream = await listen(second, `/events/stock?date=${SATURDAY}`);
    await first.post("/cart/items", { productId: String(bread.id), quantity: "2" });
    await stream.until(withCount(3));
    // What the tab then fetches: the header's link with the count now.
    const link = await second.get("/cart/count");
    expect(link.res.status).toBe(200);
    expect(countOn(link.html)).toBe(3);
  });

  it("choosing a day on one tab tells the others (the cart is checked against it)", async () => {
    const bread = await dailyProduct(t, 20);
    const first = device();
    await first.post("/cart/items", { productId: String(bread.id), quantity: "1" });
    const stream = await listen(first);
    const { res } = await first.get(`/?date=${SATURDAY}`);
    expect(res.status).toBe(200);
    await stream.until(withState(`${bread.id}:1@${SATURDAY}`));
  });
});
