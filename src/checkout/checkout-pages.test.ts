import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserOn, type CookieBrowser } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { people, stockOf } from "../../tests/orders-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";
import { seedDemoCoupons } from "../coupons/demo.ts";
import { firstLoad } from "../../tests/first-load.ts";

/** Checkout as a browser does it: the page, the coupon preview, placing and its failures. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
  await seedDemoCoupons(t.sql);
});
afterAll(() => t?.close());

const Browser = browserOn(() => t.app);
type Browser = CookieBrowser;

/** A signed-in customer's browser (a session started directly: no password hashing). */
async function customer() {
  const [who] = await people(t, 1);
  const browser = new Browser();
  browser.cookies.set(ACCESS_COOKIE, who.token);
  return { browser, userId: who.id, token: who.token };
}

interface Product {
  id: number;
  name: string;
  priceCents: number;
}

async function product(slug: string, stock: number): Promise<Product> {
  const [row] = await t.sql<Product[]>`
    update products set stock = ${stock} where slug = ${slug}
    returning id, name, price_cents`;
  expect(row, slug).toBeDefined();
  return row;
}

const euros = (cents: number) => `€${(cents / 100).toFixed(2)}`;

async function addToCart(browser: Browser, p: Product, quantity: number) {
  const { res } = await browser.post("/cart/items", {
    productId: String(p.id),
    quantity: String(quantity),
  });
  expect(res.status).toBe(303);
}

/** The checkout form as the page renders it: its hidden fields and pickup choices. */
function checkoutForm(html: string) {
  const token = html.match(/<input type="hidden" name="token" value="([0-9a-f-]{36})"/)?.[1];
  const csrf = html.match(/<input type="hidden" name="_csrf" value="([\w-]+)"/)?.[1];
  expect(token, "the one-time token").toBeTruthy();
  expect(csrf, "the CSRF field").toBeTruthy();
  const select = html.match(/<select [^>]*name="slot"[^>]*>([\s\S]*?)<\/select>/)?.[1] ?? "";
  const slots = [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
  return { token: token!, csrf: csrf!, slots };
}

async function openCheckout(browser: Browser, query = "") {
  const { res, html } = await browser.get(`/checkout${query}`);
  expect(res.status).toBe(200);
  return { html, form: checkoutForm(html) };
}

const ordersOf = async (userId: number) =>
  await t.sql<{ id: number; note: string; pickupAsap: boolean; pickupAt: Date }[]>`
    select id, note, pickup_asap, pickup_at from orders where user_id = ${userId} order by id`;

const cartOf = (userId: number) => t.services.carts.lines({ userId });

const textOf = (html: string, id: string) =>
  html.match(new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`))?.[1]?.trim();

describe("GET /checkout", () => {
  it("sends a signed-out visitor to sign in and back, and refuses a signed-out POST", async () => {
    const browser = new Browser();
    const { res } = await browser.get("/checkout");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/signin?next=%2Fcheckout");
    const post = await browser.post("/checkout", { token: crypto.randomUUID() });
    expect(post.res.status).toBe(401);
  });

  it("sends a customer with an empty cart back to the cart", async () => {
    const { browser } = await customer();
    const { res } = await browser.get("/checkout");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/cart");
  });

  it("lists the lines, the pickup choices (as soon as possible and slots), note and coupon", async () => {
    const rye = await product("seeded-rye", 16);
    const { browser } = await customer();
    await addToCart(browser, rye, 2);
    const { res, html } = await browser.get("/checkout");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(html).toMatch(/<form method="post" action="\/checkout"/);
    expect(html).toMatch(/<input type="radio" name="pickup" value="asap" checked=""\/>/);
    expect(html).toContain("As soon as possible: ready around");
    // The day chooser: a plain GET form listing the two weeks ahead, today chosen.
    expect(html).toMatch(/<form method="get" action="\/checkout"/);
    const days = [...html.matchAll(/<option value="(\d{4}-\d{2}-\d{2})"( selected="")?/g)];
    expect(days).toHaveLength(14);
    expect(days[0][2]).toBe(' selected=""');
    // Tomorrow, every quarter hour, and no "as soon as possible".
    const tomorrow = await openCheckout(browser, `?date=${days[1][1]}`);
    expect(tomorrow.form.slots.length).toBeGreaterThan(90);
    expect(tomorrow.html).not.toContain('value="asap"');
    expect(tomorrow.html).toContain(`<option value="${days[1][1]}" selected="">`);
    expect(
      tomorrow.form.slots.every((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:(00|15|30|45):00\.000Z$/.test(v)),
    ).toBe(true);
    expect(html).toMatch(/<textarea id="note" name="note" maxlength="500"/);
    expect(html).toMatch(/<input id="coupon" name="coupon" value=""/);
    expect(html).toContain(`2 × ${rye.name}`);
    expect(html).toContain(`<dd class="font-semibold">${euros(2 * rye.priceCents)}</dd>`);
    expect(html).toMatch(/<button type="submit" class="btn-primary">Place order<\/button>/);
  });

  it("says when a price changed since the line was added, and charges today's price", async () => {
    const cookie = await product("chocolate-chip-cookie", 20);
    const { browser, userId } = await customer();
    await addToCart(browser, cookie, 2);
    const newPrice = cookie.priceCents + 20;
    await t.services.catalog.updateProduct(cookie.id, { priceCents: newPrice });
    const { html, form } = await openCheckout(browser);
    expect(html).toContain(
      `Price now ${euros(newPrice)} (was ${euros(cookie.priceCents)})`,
    );
    expect(html).toContain(`<dd class="font-semibold">${euros(2 * newPrice)}</dd>`);
    const { res } = await browser.post("/checkout", { token: form.token, pickup: "asap" });
    expect(res.status).toBe(303);
    const [order] = await t.sql<{ totalCents: number }[]>`
      select total_cents from orders where user_id = ${userId}`;
    expect(order.totalCents).toBe(2 * newPrice);
  });

  it("gives a new one-time token on every view", async () => {
    const rye = await product("seeded-rye", 16);
    const { browser } = await customer();
    await addToCart(browser, rye, 1);
    const first = await openCheckout(browser);
    const second = await openCheckout(browser);
    expect(first.form.token).not.toBe(second.form.token);
  });
});

describe("a first visit on a phone", () => {
  it("the cart and the checkout cost at most 30 KB of HTML, CSS and JS; only the cart is live", async () => {
    const rye = await product("seeded-rye", 16);
    const { browser, token } = await customer();
    await addToCart(browser, rye, 2);
    const asCustomer = (url: string, init: RequestInit) =>
      t.app.request(url, {
        ...init,
        headers: { ...init.headers as Record<string, string>, Cookie: `${ACCESS_COOKIE}=${token}` },
      });
    for (const [path, live] of [["/cart", true], ["/checkout", false]] as const) {
      const load = await firstLoad(asCustomer, path);
      expect(load.total, path).toBeLessThanOrEqual(30 * 1024);
      expect(load.files.some((f) => f.url.includes("hx-sse")), path).toBe(live);
      expect(load.files.some((f) => f.url.includes("htmx.min.js")), path).toBe(true);
    }
  });
});

describe("the coupon preview (GET /checkout?coupon=)", () => {
  it("shows the discount and the new total for a coupon that applies", async () => {
    const cake = await product("lemon-drizzle-cake", 6);
    const { browser } = await customer();
    await addToCart(browser, cake, 1);
    const { html } = await openCheckout(browser, "?coupon=welcome10");
    expect(html).not.toContain("price-changed");
    const discount = Math.round(cake.priceCents / 10);
    expect(textOf(html, "coupon-result")).toBe(
      "WELCOME10: 10% off your first order of €10 or more",
    );
    expect(html).toMatch(/<p id="coupon-result" class="text-ok text-sm">/);
    expect(html).toContain(`<dt>Discount</dt><dd>−${euros(discount)}</dd>`);
    expect(html).toContain(`<dd class="font-semibold">${euros(cake.priceCents - discount)}</dd>`);
    expect(html).toContain('<input id="coupon" name="coupon" value="welcome10"');
  });

  it("explains a refusal and takes nothing off", async () => {
    const croissant = await product("butter-croissant", 48);
    const { browser } = await customer();
    await addToCart(browser, croissant, 1);
    const cases: [string, string][] = [
      ["WELCOME10", "This coupon needs an order of at least €10.00."],
      ["REGULAR5", "This coupon is for regulars: it needs 3 collected orders (you have 0)."],
      ["NOSUCHCODE", "There is no coupon with that code."],
    ];
    for (const [code, problem] of cases) {
      const { html } = await openCheckout(browser, `?coupon=${code}`);
      expect(textOf(html, "coupon-result"), code).toBe(problem);
      expect(html, code).toMatch(/<p id="coupon-result" class="field-error">/);
      expect(html, code).toMatch(/<input id="coupon"[^>]*aria-invalid="true"/);
      expect(html, code).not.toContain("<dt>Discount</dt>");
      expect(html, code).toContain(
        `<dd class="font-semibold">${euros(croissant.priceCents)}</dd>`,
      );
    }
  });
});

describe("POST /checkout", () => {
  it("places the order, empties the cart and shows the confirmation", async () => {
    const bun = await product("cinnamon-bun", 30);
    const { browser, userId } = await customer();
    await addToCart(browser, bun, 3);
    const { form } = await openCheckout(browser);
    const { res } = await browser.post("/checkout", {
      _csrf: form.csrf,
      token: form.token,
      pickup: "asap",
      note: "  No icing on one, please  ",
      coupon: "",
    });
    expect(res.status).toBe(303);
    const [order] = await ordersOf(userId);
    expect(res.headers.get("Location")).toBe(`/orders/${order.id}?placed=1`);
    expect(order).toMatchObject({ note: "No icing on one, please", pickupAsap: true });
    expect(await stockOf(t, bun.id)).toBe(27);
    expect((await cartOf(userId)).size).toBe(0);

    const { html } = await browser.get("/cart");
    expect(html).toContain("Your cart is empty.");
    const confirmation = await browser.get(res.headers.get("Location")!);
    expect(confirmation.res.status).toBe(200);
    expect(confirmation.html).toContain("Thank you! Your order is in.");
  });

  it("lands a repeated submit of the same form on the same order, taking the stock once", async () => {
    const pain = await product("pain-au-chocolat", 40);
    const { browser, userId } = await customer();
    await addToCart(browser, pain, 2);
    const { form } = await openCheckout(browser);
    const fields = { _csrf: form.csrf, token: form.token, pickup: "asap", note: "", coupon: "" };
    const first = await browser.post("/checkout", fields);
    const second = await browser.post("/checkout", fields);
    expect(first.res.status).toBe(303);
    expect(second.res.status).toBe(303);
    expect(second.res.headers.get("Location")).toBe(first.res.headers.get("Location"));
    expect(await ordersOf(userId)).toHaveLength(1);
    expect(await stockOf(t, pain.id)).toBe(38);

    // A new form (new token) with a new cart is a new order.
    await addToCart(browser, pain, 1);
    const next = await openCheckout(browser);
    const third = await browser.post("/checkout", { ...fields, token: next.form.token });
    expect(third.res.status).toBe(303);
    expect(third.res.headers.get("Location")).not.toBe(first.res.headers.get("Location"));
    expect(await ordersOf(userId)).toHaveLength(2);
    expect(await stockOf(t, pain.id)).toBe(37);
  });

  it("refuses the same form sent again with other choices, in words for a customer", async () => {
    const pain = await product("pain-aux-raisins", 18);
    const { browser, userId } = await customer();
    await addToCart(browser, pain, 1);
    const { form } = await openCheckout(browser);
    const first = await browser.post("/checkout", { token: form.token, note: "Sliced" });
    expect(first.res.status).toBe(303);
    await addToCart(browser, pain, 1);
    const again = await browser.post("/checkout", { token: form.token, note: "Not sliced" });
    expect(again.res.status).toBe(409);
    expect(textOf(again.html, "checkout-error")).toBe(
      "This form was already used to place an order with other choices. Check your orders before ordering again.",
    );
    expect(await ordersOf(userId)).toHaveLength(1);
    expect(await cartOf(userId)).toEqual(new Map([[pain.id, 1]]));
  });

  it("books a chosen slot instead of as soon as possible", async () => {
    const juice = await product("fresh-orange-juice", 20);
    const { browser, userId } = await customer();
    await addToCart(browser, juice, 1);
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString("sv", {
      timeZone: t.deps.config.timeZone,
    });
    const { form } = await openCheckout(browser, `?date=${tomorrow}`);
    const slot = form.slots[3];
    const { res } = await browser.post("/checkout", {
      _csrf: form.csrf,
      token: form.token,
      pickup: "asap",
      slot,
    });
    expect(res.status).toBe(303);
    const [order] = await ordersOf(userId);
    expect(order.pickupAsap).toBe(false);
    expect(order.pickupAt.toISOString()).toBe(slot);
  });

  it("answers a shortage with a 409 page naming the short line, the cart intact", async () => {
    const [tart, cookie] = [
      await product("strawberry-tart", 5),
      await product("oat-raisin-cookie", 20),
    ];
    const { browser, userId } = await customer();
    await addToCart(browser, tart, 3);
    await addToCart(browser, cookie, 2);
    const { form } = await openCheckout(browser);
    await t.sql`update products set stock = 1 where id = ${tart.id}`;

    const { res, html } = await browser.post("/checkout", {
      _csrf: form.csrf,
      token: form.token,
      pickup: "asap",
    });
    expect(res.status).toBe(409);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(textOf(html, "checkout-error")).toBe(
      `Not enough stock: only 1 ${tart.name} left (you asked for 3). Nothing was ordered; your cart is unchanged.`,
    );
    // The line itself says what is wrong, and the order cannot be sent as it is.
    expect(html).toContain('<span class="field-error block">Only 1 left.</span>');
    expect(html).toMatch(/<button type="submit" class="btn-primary" disabled="">Place order/);
    expect(await ordersOf(userId)).toHaveLength(0);
    expect(await stockOf(t, tart.id)).toBe(1);
    expect(await stockOf(t, cookie.id)).toBe(20);
    expect(await cartOf(userId)).toEqual(new Map([[tart.id, 3], [cookie.id, 2]]));
  });

  it("answers a pickup time that is not offered with 422 and the message at the pickup field", async () => {
    const loaf = await product("walnut-spelt-loaf", 10);
    const { browser, userId } = await customer();
    await addToCart(browser, loaf, 1);
    const { form } = await openCheckout(browser);
    const cases: [Record<string, string>, RegExp][] = [
      [{ slot: "2020-01-01T10:00:00.000Z" }, /^That date is in the past\.$/],
      [
        { slot: form.slots.at(-1)!.replace(":00.000Z", ":07.000Z") },
        /^That pickup time is no longer possible/,
      ],
      [{ pickup: "whenever" }, /^Choose a pickup time from the list\.$/],
      [{ slot: "9".repeat(41) }, /^Choose a pickup time from the list\.$/],
    ];
    for (const [choice, message] of cases) {
      const label = JSON.stringify(choice);
      const { res, html } = await browser.post("/checkout", {
        _csrf: form.csrf,
        token: crypto.randomUUID(),
        ...choice,
      });
      expect(res.status, label).toBe(422);
      expect(textOf(html, "pickup-error"), label).toMatch(message);
      // Inside the pickup fieldset, tied to its selects, and no banner at the top.
      expect(html, label).toMatch(
        /<legend class="font-semibold text-lg">Pickup time<\/legend><p id="pickup-error" class="field-error">/,
      );
      expect(html, label).toMatch(/<select [^>]*aria-describedby="pickup-error"/);
      expect(html, label).not.toContain('id="checkout-error"');
    }
    expect(await ordersOf(userId)).toHaveLength(0);
    expect(await stockOf(t, loaf.id)).toBe(10);
    expect(await cartOf(userId)).toEqual(new Map([[loaf.id, 1]]));
  });

  it("answers a refused coupon with the message at the coupon field and places no order", async () => {
    const croissant = await product("almond-croissant", 20);
    const { browser, userId } = await customer();
    await addToCart(browser, croissant, 1);
    const { form } = await openCheckout(browser);
    const cases: [string, string][] = [
      ["WELCOME10", "This coupon needs an order of at least €10.00."],
      ["bogus", "There is no coupon with that code."],
    ];
    for (const [coupon, message] of cases) {
      const { res, html } = await browser.post("/checkout", {
        _csrf: form.csrf,
        token: crypto.randomUUID(),
        pickup: "asap",
        coupon,
      });
      expect(res.status, coupon).toBe(422);
      expect(textOf(html, "coupon-result"), coupon).toBe(message);
      expect(html, coupon).toMatch(/<input id="coupon"[^>]*value="[^"]+"[^>]*aria-invalid="true"/);
      expect(html, coupon).not.toContain('id="checkout-error"');
    }
    expect(await ordersOf(userId)).toHaveLength(0);
    expect(await stockOf(t, croissant.id)).toBe(20);
    expect(await cartOf(userId)).toEqual(new Map([[croissant.id, 1]]));
  });

  it("takes the coupon off an order that qualifies", async () => {
    const cake = await product("apple-tart", 6);
    const { browser, userId } = await customer();
    await addToCart(browser, cake, 1);
    const { form } = await openCheckout(browser, "?coupon=WELCOME10");
    const { res } = await browser.post("/checkout", {
      _csrf: form.csrf,
      token: form.token,
      pickup: "asap",
      coupon: "WELCOME10",
    });
    expect(res.status).toBe(303);
    const [order] = await t.sql<{ discountCents: number; couponCode: string }[]>`
      select discount_cents, coupon_code from orders where user_id = ${userId}`;
    expect(order).toEqual({
      discountCents: Math.round(cake.priceCents / 10),
      couponCode: "WELCOME10",
    });
  });

  it("answers a form without its token, or with a too-long note, with 422 and keeps the input", async () => {
    const cookie = await product("chocolate-chip-cookie", 20);
    const { browser, userId } = await customer();
    await addToCart(browser, cookie, 1);
    const { form } = await openCheckout(browser);

    const expired = await browser.post("/checkout", {
      _csrf: form.csrf,
      pickup: "asap",
      note: "Ring twice",
    });
    expect(expired.res.status).toBe(422);
    expect(textOf(expired.html, "checkout-error")).toBe(
      "This form has expired. Please check the order and send it again.",
    );
    expect(expired.html).toMatch(/<textarea id="note"[^>]*>Ring twice<\/textarea>/);

    const long = await browser.post("/checkout", {
      _csrf: form.csrf,
      token: form.token,
      pickup: "asap",
      note: "x".repeat(501),
    });
    expect(long.res.status).toBe(422);
    expect(textOf(long.html, "note-error")).toBe("The note can be at most 500 characters.");
    expect(long.html).toMatch(/<textarea id="note"[^>]*aria-describedby="note-error"/);
    expect(await ordersOf(userId)).toHaveLength(0);
    expect(await cartOf(userId)).toEqual(new Map([[cookie.id, 1]]));
  });

  it("refuses a checkout sent from another site", async () => {
    const cookie = await product("peanut-butter-cookie", 20);
    const { browser, userId } = await customer();
    await addToCart(browser, cookie, 1);
    const { form } = await openCheckout(browser);
    const { res } = await browser.post(
      "/checkout",
      { token: form.token, pickup: "asap" },
      { "Sec-Fetch-Site": "cross-site" },
    );
    expect(res.status).toBe(403);
    expect(await ordersOf(userId)).toHaveLength(0);
  });
});
