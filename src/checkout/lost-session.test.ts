import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserOn, type CookieBrowser } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { api, people, type Person } from "../../tests/orders-support.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../accounts/middleware.ts";
import { CSRF_COOKIE } from "../http/csrf.ts";
import { seedDemoCoupons } from "../coupons/demo.ts";

/**
 * A checkout sent after the session ended is an expected event: the customer signs in and
 * comes back to the same checkout, with the cart and every choice kept.
 */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
  await seedDemoCoupons(t.sql);
});
afterAll(() => t?.close());

const Browser = browserOn(() => t.app);
const PASSWORD = "crumbs-on-the-counter";

/** A customer signed in through the sign-in form, as a browser does it. */
async function signedIn() {
  const [who] = await people(t, 1);
  const [{ email }] = await t.sql<
    { email: string }[]
  >`select email from users where id = ${who.id}`;
  const browser = new Browser();
  await browser.get("/signin");
  const { res } = await browser.post("/signin", { email, password: PASSWORD });
  expect(res.status).toBe(303);
  return { browser, who, email };
}

async function fillCart(browser: CookieBrowser) {
  const [rye] = await t.sql<{ id: number; name: string }[]>`
    update products set stock = 30 where slug = 'seeded-rye' returning id, name`;
  const { res } = await browser.post("/cart/items", { productId: String(rye.id), quantity: "2" });
  expect(res.status).toBe(303);
  return rye;
}

/** The checkout for tomorrow (every slot open), its token and a pickup time from the list. */
async function openCheckout(browser: CookieBrowser) {
  const first = await browser.get("/checkout");
  const tomorrow = [...first.html.matchAll(/<option value="(\d{4}-\d{2}-\d{2})"/g)][1][1];
  const { res, html } = await browser.get(`/checkout?date=${tomorrow}`);
  expect(res.status).toBe(200);
  const token = html.match(/name="token" value="([0-9a-f-]{36})"/)![1];
  const select = html.match(/<select [^>]*name="slot"[^>]*>([\s\S]*?)<\/select>/)![1];
  const slot = [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1])[6];
  return { token, slot, tomorrow };
}

const forgetSession = (browser: CookieBrowser) => {
  browser.cookies.delete(ACCESS_COOKIE);
  browser.cookies.delete(REFRESH_COOKIE);
};

describe("a checkout whose session ended", () => {
  it("sends the form to sign in, then back to checkout with the cart, time, note and coupon", async () => {
    const { browser, who, email } = await signedIn();
    const rye = await fillCart(browser);
    const { token, slot } = await openCheckout(browser);
    // Cookies cleared (all but the form's own CSRF cookie, which a new page would set again).
    const csrf = browser.cookies.get(CSRF_COOKIE);
    browser.cookies.clear();
    if (csrf) browser.cookies.set(CSRF_COOKIE, csrf);

    const sent = await browser.post("/checkout", {
      token,
      slot,
      note: "Sliced, please",
      coupon: "WELCOME10",
    });
    expect(sent.res.status).toBe(303);
    const signIn = sent.res.headers.get("Location")!;
    expect(signIn).toBe("/signin?next=%2Fcheckout&done=checkout");
    const page = await browser.get(signIn);
    expect(page.res.status).toBe(200);
    expect(page.html).toContain("You were signed out before the order was placed.");
    expect(page.html).toContain('<input type="hidden" name="next" value="/checkout"/>');
    expect(await t.sql`select 1 from orders where user_id = ${who.id}`).toHaveLength(0);

    const back = await browser.post("/signin", { email, password: PASSWORD, next: "/checkout" });
    expect(back.res.status).toBe(303);
    expect(back.res.headers.get("Location")).toBe("/checkout");
    const checkout = await browser.get("/checkout");
    expect(checkout.res.status).toBe(200);
    expect(checkout.html).toContain(`2 × ${rye.name}`);
    expect(checkout.html).toMatch(/<textarea id="note"[^>]*>\s*Sliced, please\s*<\/textarea>/);
    expect(checkout.html).toContain('name="coupon" value="WELCOME10"');
    expect(checkout.html).toContain("WELCOME10:");
    expect(checkout.html).toContain(`<option value="${slot}" selected="">`);
    // The header counts the cart too.
    expect(checkout.html).toContain(`<span class="cart-badge">2</span>`);

    const again = checkout.html.match(/name="token" value="([0-9a-f-]{36})"/)![1];
    const placed = await browser.post("/checkout", {
      token: again,
      slot,
      note: "Sliced, please",
      coupon: "WELCOME10",
    });
    expect(placed.res.status).toBe(303);
    const [order] = await t.sql<{ note: string; pickupAt: Date; discountCents: number }[]>`
      select note, pickup_at, discount_cents from orders where user_id = ${who.id}`;
    expect(order.note).toBe("Sliced, please");
    expect(order.pickupAt.toISOString()).toBe(slot);
    expect(order.discountCents).toBeGreaterThan(0);
    // Ordered: the draft went with the cart.
    await fillCart(browser);
    const fresh = await browser.get("/checkout");
    expect(fresh.html).toMatch(/<textarea id="note"[^>]*>\s*<\/textarea>/);
    expect(fresh.html).toContain('name="coupon" value=""');
  });

  it("does the same for a coupon applied after signing out in another tab", async () => {
    const { browser, email } = await signedIn();
    await fillCart(browser);
    const { token, slot } = await openCheckout(browser);
    // The other tab shares the cookies: signing out there ends this tab's session too.
    expect((await browser.post("/signout")).res.status).toBe(303);
    const sent = await browser.post("/checkout/preview", {
      token,
      slot,
      note: "For Anna",
      coupon: "welcome10",
    });
    expect(sent.res.status).toBe(303);
    expect(sent.res.headers.get("Location")).toBe("/signin?next=%2Fcheckout&done=checkout");
    await browser.post("/signin", { email, password: PASSWORD, next: "/checkout" });
    const checkout = await browser.get("/checkout");
    expect(checkout.html).toContain("For Anna");
    expect(checkout.html).toContain(`<option value="${slot}" selected="">`);
  });

  it("keeps what a signed-in customer chose when they leave checkout and come back", async () => {
    const { browser } = await signedIn();
    await fillCart(browser);
    const { token, slot } = await openCheckout(browser);
    const applied = await browser.post("/checkout/preview", {
      token,
      slot,
      note: "Back door",
      coupon: "WELCOME10",
    });
    expect(applied.res.status).toBe(200);
    await browser.get("/cart");
    const back = await browser.get("/checkout");
    expect(back.html).toContain("Back door");
    expect(back.html).toContain(`<option value="${slot}" selected="">`);
    // Choosing another day on the way starts that day's choice afresh but keeps the note.
    const other = await browser.get("/checkout?date=" + slot.slice(0, 10));
    expect(other.html).toContain("Back door");
  });

  it("sends a browser that never had a session to sign in the same way", async () => {
    const browser = new Browser();
    forgetSession(browser);
    const sent = await browser.post("/checkout", { token: crypto.randomUUID(), note: "x" });
    expect(sent.res.status).toBe(303);
    expect(sent.res.headers.get("Location")).toBe("/signin?next=%2Fcheckout&done=checkout");
  });
});

describe("the API's checkout without a valid session", () => {
  it("answers 401 with a JSON error that says how to sign in, and orders nothing", async () => {
    const anonymous = await t.app.request("/api/v1/orders", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ pickupAt: "asap" }),
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toBe('Bearer realm="crumb"');
    const body = await anonymous.json();
    expect(body.error.code).toBe("unauthorized");
    expect(body.error.message).toContain("POST /api/v1/auth/login");

    const [who] = await people(t, 1);
    const rye = await t.sql<{ id: number }[]>`select id from products where slug = 'seeded-rye'`;
    const put = await api(t, who, "PUT", `/cart/items/${rye[0].id}`, { quantity: 1 });
    expect(put.status).toBe(200);
    const out = await api(t, who, "POST", "/auth/logout", {});
    expect(out.status).toBe(204);
    const ended = await api(t, who as Person, "POST", "/orders", { pickupAt: "asap" });
    expect(ended.status).toBe(401);
    expect(ended.headers.get("WWW-Authenticate")).toBe(
      'Bearer realm="crumb", error="invalid_token"',
    );
    const problem = await ended.json();
    expect(problem.error.code).toBe("session_ended");
    expect(problem.error.message).toBe("This session has ended. Please sign in again.");
    expect(await t.sql`select 1 from orders where user_id = ${who.id}`).toHaveLength(0);
    expect(await t.services.carts.lines({ userId: who.id })).toEqual(new Map([[rye[0].id, 1]]));
  });
});
