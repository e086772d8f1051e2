import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { browserOn, type CookieBrowser } from "../../tests/cookie-browser.ts";
import { createTestContext, eventually, type TestContext } from "../../tests/harness.ts";
import { people, type Person, person, stockOf } from "../../tests/orders-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";
import { recordNotification } from "../notify/queries.ts";
import { statusLabels } from "./status.ts";

/** The customer's order pages: confirmation, live status, cancelling, the account lists. */

let t: TestContext;
let staff: Person;
beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
  staff = await person(t, "staff");
});
afterAll(() => t?.close());

const Browser = browserOn(() => t.app);
type Browser = CookieBrowser;

const browserOf = (who: Person) => {
  const browser = new Browser();
  browser.cookies.set(ACCESS_COOKIE, who.token);
  return browser;
};

async function customer() {
  const [who] = await people(t, 1);
  return { who, browser: browserOf(who) };
}

interface Product {
  id: number;
  name: string;
  priceCents: number;
}

async function product(slug: string, stock: number): Promise<Product> {
  const [row] = await t.sql<Product[]>`
    update products set stock = ${stock} where slug = ${slug} returning id, name, price_cents`;
  expect(row, slug).toBeDefined();
  return row;
}

const euros = (cents: number) => `€${(cents / 100).toFixed(2)}`;

/** An order placed through the cart and checkout pages, as a customer does it. */
async function orderThroughPages(browser: Browser, lines: [Product, number][]) {
  for (const [p, quantity] of lines) {
    const { res } = await browser.post("/cart/items", {
      productId: String(p.id),
      quantity: String(quantity),
    });
    expect(res.status).toBe(303);
  }
  const { html } = await browser.get("/checkout");
  const token = html.match(/name="token" value="([0-9a-f-]{36})"/)?.[1];
  expect(token).toBeTruthy();
  const { res } = await browser.post("/checkout", { token: token!, pickup: "asap" });
  expect(res.status).toBe(303);
  const id = Number(res.headers.get("Location")!.match(/^\/orders\/(\d+)\?placed=1$/)?.[1]);
  expect(id).toBeGreaterThan(0);
  return id;
}

/** A quick order straight through the service. */
const quickOrder = async (who: Person, p: Product, quantity = 1) =>
  (await t.services.orders.place({
    userId: who.id,
    items: [{ productId: p.id, quantity }],
    pickup: "asap",
  })).order;

const statusOf = async (id: number) =>
  (await t.sql<{ status: string }[]>`select status from orders where id = ${id}`)[0].status;

const textOf = (html: string, id: string) =>
  html.match(new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`))?.[1]?.trim();

/** The element with this id, up to the first closing tag of its kind (no nesting of it). */
const elementOf = (html: string, tag: string, id: string) =>
  html.match(new RegExp(`<${tag} id="${id}"[^>]*>[\\s\\S]*?</${tag}>`))?.[0] ?? "";

interface SseFrame {
  id?: string;
  data?: string;
  retry?: string;
}

/** Reads SSE frames from a response body, each wait bounded. */
function sseClient(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const read = (timeoutMs: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no SSE data within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([reader.read(), deadline]).finally(() => clearTimeout(timer));
  };
  return {
    async next(timeoutMs = 3000): Promise<SseFrame | null> {
      while (true) {
        const end = buffer.indexOf("\n\n");
        if (end !== -1) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: SseFrame = {};
          const data: string[] = [];
          for (const line of raw.split("\n")) {
            const colon = line.indexOf(":");
            if (colon <= 0) continue; // comments (heartbeats)
            const field = line.slice(0, colon);
            const value = line.slice(colon + 1).replace(/^ /, "");
            if (field === "data") data.push(value);
            else if (field === "id" || field === "retry") frame[field] = value;
          }
          if (data.length) frame.data = data.join("\n");
          if (frame.id !== undefined || frame.data !== undefined || frame.retry !== undefined) {
            return frame;
          }
          continue;
        }
        const { done, value } = await read(timeoutMs);
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}

const opened: AbortController[] = [];
afterEach(() => {
  for (const controller of opened.splice(0)) controller.abort();
});

async function openEvents(browser: Browser, orderId: number) {
  const controller = new AbortController();
  opened.push(controller);
  const res = await browser.open(`/orders/${orderId}/events`, {}, controller.signal);
  return { res, client: sseClient(res) };
}

/** What a status frame says: the status shown, and whether it removes the cancel form. */
const statusFrame = (orderId: number, data = "") => ({
  status: data.match(
    new RegExp(`<section id="order-status-${orderId}" hx-swap-oob="true"[^>]*data-status="(\\w+)"`),
  )?.[1],
  removesCancel: data.includes(`<div id="order-actions-${orderId}" hx-swap-oob="true"></div>`),
});

describe("the order confirmation", () => {
  it("shows the code, pickup time, lines, total, status and the cancel form", async () => {
    const [rye, bun] = [await product("seeded-rye", 16), await product("cinnamon-bun", 30)];
    const { browser } = await customer();
    const id = await orderThroughPages(browser, [[rye, 1], [bun, 2]]);
    const { order } = await t.services.orders.detail(id, staff);

    const { res, html } = await browser.get(`/orders/${id}?placed=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(html).toContain("Thank you! Your order is in.");
    expect(html).toContain(`<title>Order ${order.code} · `);
    expect(html).toMatch(new RegExp(`data-order-code="${order.code}">${order.code}</h1>`));
    expect(html).toContain(
      `As soon as possible, around ${t.services.format.dateTime(order.pickupAt)}`,
    );
    expect(html).toContain(`1 × ${rye.name}</span><span>${euros(rye.priceCents)}`);
    expect(html).toContain(`2 × ${bun.name}</span><span>${euros(2 * bun.priceCents)}`);
    const total = rye.priceCents + 2 * bun.priceCents;
    expect(order.totalCents).toBe(total);
    expect(html).toContain(
      `<dt class="font-semibold">Total, paid at pickup</dt><dd class="font-semibold">${
        euros(total)
      }</dd>`,
    );
    const progress = elementOf(html, "section", `order-status-${id}`);
    expect(progress).toContain('data-status="placed"');
    expect(progress).toContain(`<li class="current" aria-current="step">${statusLabels.placed}`);
    expect(progress).not.toContain("hx-swap-oob");
    expect(html).toMatch(new RegExp(`<div hx-sse:connect="/orders/${id}/events"`));
    expect(elementOf(html, "div", `order-actions-${id}`)).toContain(
      `<form method="post" action="/orders/${id}/cancel"`,
    );
    // Without ?placed=1 (a later visit) there is no thank-you.
    expect((await browser.get(`/orders/${id}`)).html).not.toContain("Thank you!");
  });

  it("is not found for another customer, an unknown id or a bad id; signed out goes to sign in", async () => {
    const rye = await product("seeded-rye", 16);
    const { who } = await customer();
    const order = await quickOrder(who, rye);
    const { browser: other } = await customer();
    for (const path of [`/orders/${order.id}`, `/orders/${order.id}/events`, "/orders/99999999"]) {
      const { res, html } = await other.get(path);
      expect(res.status, path).toBe(404);
      expect(html, path).not.toContain(order.code);
    }
    expect((await other.get("/orders/abc")).res.status).toBe(404);
    expect((await other.get("/orders/99999999999")).res.status).toBe(404);
    const cancel = await other.post(`/orders/${order.id}/cancel`, { confirm: "yes" });
    expect(cancel.res.status).toBe(404);
    expect(await statusOf(order.id)).toBe("placed");

    const { res } = await new Browser().get(`/orders/${order.id}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(
      `/signin?next=${encodeURIComponent(`/orders/${order.id}`)}`,
    );
  });
});

describe("GET /orders/:id/events", () => {
  it("sends the status first, then a frame when staff start baking that removes the cancel form", async () => {
    const bun = await product("cinnamon-bun", 30);
    const { who, browser } = await customer();
    const order = await quickOrder(who, bun);
    const { res, client } = await openEvents(browser, order.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);

    expect((await client.next())?.retry).toBe("2000");
    const first = await client.next();
    expect(first?.id).toBe(String(order.statusChangedAt.getTime()));
    expect(statusFrame(order.id, first?.data)).toEqual({ status: "placed", removesCancel: false });

    await t.services.orders.changeStatus(order.id, "baking", staff);
    const next = await client.next();
    expect(statusFrame(order.id, next?.data)).toEqual({ status: "baking", removesCancel: true });
    expect(next?.data).toContain(`<li class="current" aria-current="step">${statusLabels.baking}`);
  });

  it("removes the cancel form in the first frame when the order has already left 'placed'", async () => {
    const bun = await product("cinnamon-bun", 30);
    const { who, browser } = await customer();
    const order = await quickOrder(who, bun);
    await t.services.orders.changeStatus(order.id, "baking", staff);
    const { client } = await openEvents(browser, order.id);
    await client.next(); // retry hint
    const first = await client.next();
    expect(statusFrame(order.id, first?.data)).toEqual({ status: "baking", removesCancel: true });
  });

  it("stops holding the stream once the browser leaves", async () => {
    const bun = await product("cinnamon-bun", 30);
    const { who, browser } = await customer();
    const order = await quickOrder(who, bun);
    const before = t.live.size();
    const { client } = await openEvents(browser, order.id);
    await client.next();
    expect(t.live.size()).toBe(before + 1);
    for (const controller of opened.splice(0)) controller.abort();
    await eventually(() => t.live.size() === before);
  });
});

describe("POST /orders/:id/cancel", () => {
  it("cancels an order that is still placed, restocks it and shows it cancelled", async () => {
    const tart = await product("apple-tart", 6);
    const { browser } = await customer();
    const id = await orderThroughPages(browser, [[tart, 2]]);
    expect(await stockOf(t, tart.id)).toBe(4);
    const { client } = await openEvents(browser, id);
    await client.next();
    await client.next();

    const { res } = await browser.post(`/orders/${id}/cancel`, { confirm: "yes" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/orders/${id}`);
    expect(await statusOf(id)).toBe("cancelled");
    expect(await stockOf(t, tart.id)).toBe(6);
    // The open page hears of it too.
    expect(statusFrame(id, (await client.next())?.data)).toEqual({
      status: "cancelled",
      removesCancel: true,
    });

    const { html } = await browser.get(`/orders/${id}`);
    expect(html).toContain("This order was cancelled.");
    expect(html).toContain("Cancelled: Cancelled by the customer");
    expect(elementOf(html, "div", `order-actions-${id}`)).not.toContain("<form");
  });

  it("answers 409 with the 'too late' message once baking has started, changing nothing", async () => {
    const tart = await product("apple-tart", 6);
    const { who, browser } = await customer();
    const order = await quickOrder(who, tart, 1);
    await t.services.orders.changeStatus(order.id, "baking", staff);

    const { res, html } = await browser.post(`/orders/${order.id}/cancel`, { confirm: "yes" });
    expect(res.status).toBe(409);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(textOf(html, "order-error")).toBe(
      "The kitchen has already started this order, so it can no longer be cancelled here. Please call the shop.",
    );
    expect(elementOf(html, "section", `order-status-${order.id}`)).toContain(
      'data-status="baking"',
    );
    expect(elementOf(html, "div", `order-actions-${order.id}`)).not.toContain("<form");
    expect(await statusOf(order.id)).toBe("baking");
    expect(await stockOf(t, tart.id)).toBe(5);
  });
});

describe("the account's orders and messages", () => {
  it("lists recent orders and notifications on /account", async () => {
    const cookie = await product("shortbread-fingers", 200);
    const { who, browser } = await customer();
    const empty = await browser.get("/account");
    expect(empty.res.status).toBe(200);
    expect(elementOf(empty.html, "section", "section-orders")).toContain("No orders yet.");
    expect(elementOf(empty.html, "section", "section-notifications")).toContain(
      "No messages yet.",
    );

    const orders = [];
    for (let i = 0; i < 6; i++) orders.push(await quickOrder(who, cookie, i + 1));
    await t.services.orders.changeStatus(orders[5].id, "baking", staff);
    await recordNotification(t.sql, {
      messageId: crypto.randomUUID(),
      userId: who.id,
      orderId: orders[5].id,
      kind: "order.baking",
      recipient: "customer@example.com",
      subject: `Your order ${orders[5].code} is in the oven`,
      body: "We started on it. <b>Not bold</b>",
    });

    const { html } = await browser.get("/account");
    const section = elementOf(html, "section", "section-orders");
    const listed = [
      ...section.matchAll(/<a href="\/orders\/(\d+)" class="text-link font-semibold">/g),
    ]
      .map((m) => Number(m[1]));
    expect(listed).toEqual(orders.slice(1).reverse().map((o) => o.id));
    expect(section).toContain(`<span class="sr-only">Order</span> ${orders[5].code}</a>`);
    expect(section).toContain('<span class="text-sm">6 items</span>');
    expect(section).toContain(`<span class="status-pill status-baking">${statusLabels.baking}`);
    expect(section).toContain('<a href="/account/orders" class="text-link">All 6 orders</a>');

    const messages = elementOf(html, "section", "section-notifications");
    expect(messages).toContain(`Your order ${orders[5].code} is in the oven`);
    expect(messages).toContain("We started on it. &lt;b&gt;Not bold&lt;/b&gt;");
  });

  it("paginates /account/orders 20 to a page, newest first", async () => {
    const cookie = await product("sesame-tahini-cookie", 200);
    const { who, browser } = await customer();
    const orders = [];
    for (let i = 0; i < 21; i++) orders.push(await quickOrder(who, cookie));
    const links = (html: string) =>
      [...html.matchAll(/<a href="\/orders\/(\d+)" class="text-link font-semibold">/g)].map((m) =>
        Number(m[1])
      );

    const first = await browser.get("/account/orders");
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(links(first.html)).toEqual(orders.slice(1).reverse().map((o) => o.id));
    expect(first.html).toContain("Page 1 of 2");
    expect(first.html).toContain('href="/account/orders?page=2" rel="next"');
    expect(first.html).not.toContain('rel="prev"');

    const second = await browser.get("/account/orders?page=2");
    expect(links(second.html)).toEqual([orders[0].id]);
    expect(second.html).toContain("Page 2 of 2");
    expect(second.html).toContain('href="/account/orders?page=1" rel="prev"');
    expect(second.html).not.toContain('rel="next"');

    // Nonsense page numbers are page 1; past the end goes to the last page, not "No orders".
    expect(links((await browser.get("/account/orders?page=abc")).html)).toEqual(links(first.html));
    const beyond = await browser.get("/account/orders?page=7");
    expect(beyond.res.status).toBe(303);
    expect(beyond.res.headers.get("Location")).toBe("/account/orders?page=2");

    // Another customer sees none of them.
    const { browser: other } = await customer();
    const theirs = await other.get("/account/orders");
    expect(links(theirs.html)).toEqual([]);
    expect(theirs.html).toContain("No orders yet.");
  });
});
