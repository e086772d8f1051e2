import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserOn, type CookieBrowser } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { people } from "../../tests/orders-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";
import { seedDemoCoupons } from "../coupons/demo.ts";

/** The header's cart count on every full page, including pages that answer a form post. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
  await seedDemoCoupons(t.sql);
});
afterAll(() => t?.close());

const Browser = browserOn(() => t.app);

/** The count in the header's cart link, as the page shows it. */
const headerCount = (html: string) => {
  const link = html.match(/<a id="cart-count"[^>]*data-count="(\d+)"[\s\S]*?<\/a>/);
  expect(link, "the header cart link").not.toBeNull();
  expect(link![0]).toContain(`<span class="cart-badge">${link![1]}</span>`);
  return Number(link![1]);
};

async function productId(slug: string) {
  const [row] = await t.sql<{ id: number }[]>`
    update products set stock = 40 where slug = ${slug} returning id`;
  return row.id;
}

async function fill(browser: CookieBrowser, slug: string, quantity: number) {
  const { res } = await browser.post("/cart/items", {
    productId: String(await productId(slug)),
    quantity: String(quantity),
  });
  expect(res.status).toBe(303);
}

async function customerWith(quantity: number) {
  const [who] = await people(t, 1);
  const browser = new Browser();
  browser.cookies.set(ACCESS_COOKIE, who.token);
  await fill(browser, "seeded-rye", quantity);
  return browser;
}

describe("the header's cart count on pages that answer a form post", () => {
  it("counts the cart when a coupon is applied at checkout", async () => {
    const browser = await customerWith(3);
    const { res, html } = await browser.post("/checkout/preview", { coupon: "WELCOME10" });
    expect(res.status).toBe(200);
    expect(html).toContain("3 ×");
    expect(headerCount(html)).toBe(3);
  });

  it("counts the cart on a refused checkout (an expired form) and a refused coupon", async () => {
    const browser = await customerWith(2);
    const expired = await browser.post("/checkout", { token: "not-a-token" });
    expect(expired.res.status).toBe(422);
    expect(headerCount(expired.html)).toBe(2);
    const coupon = await browser.post("/checkout", {
      token: crypto.randomUUID(),
      coupon: "NO-SUCH-CODE",
    });
    expect(coupon.res.status).toBe(422);
    expect(headerCount(coupon.html)).toBe(2);
  });

  it("counts a guest's cart on sign-up and sign-in pages with errors", async () => {
    const browser = new Browser();
    await fill(browser, "butter-croissant", 4);
    const signup = await browser.post("/signup", { name: "", email: "nope", password: "x" });
    expect(signup.res.status).toBe(422);
    expect(headerCount(signup.html)).toBe(4);
    const signin = await browser.post("/signin", { email: "", password: "" });
    expect(signin.res.status).toBe(422);
    expect(headerCount(signin.html)).toBe(4);
  });

  it("shows the count after the handler's own change on a re-rendered cart page", async () => {
    const browser = await customerWith(1);
    const { html } = await browser.get("/cart");
    expect(headerCount(html)).toBe(1);
    const id = await productId("seeded-rye");
    const wrong = await browser.post(`/cart/items/${id}`, { quantity: "0" });
    expect(wrong.res.status).toBe(422);
    expect(headerCount(wrong.html)).toBe(1);
  });

  it("counts the cart on the error page of a form post", async () => {
    const browser = await customerWith(5);
    const { res, html } = await browser.post("/orders/999999999/cancel", {});
    expect(res.status).toBe(404);
    expect(headerCount(html)).toBe(5);
  });
});
