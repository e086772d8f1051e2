import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserOn, type CookieBrowser, type Sent } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext, uniqueId } from "../../tests/harness.ts";
import { CART_COOKIE } from "./owner.ts";

/** The cart as a browser uses it: plain forms, htmx, the guest cookie and the merge. */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
});
afterAll(() => t?.close());

const PASSWORD = "crumbs on the counter";
const ORIGIN = "http://localhost";

const Browser = browserOn(() => t.app);
type Browser = CookieBrowser;

const htmx = { "HX-Request": "true" };

interface Product {
  id: number;
  slug: string;
  name: string;
  priceCents: number;
  stock: number;
}

/** A demo product, with its stock set as given (each test uses products of its own). */
async function product(slug: string, stock?: number): Promise<Product> {
  if (stock !== undefined) await t.sql`update products set stock = ${stock} where slug = ${slug}`;
  const [row] = await t.sql<Product[]>`
    select id, slug, name, price_cents, stock from products where slug = ${slug}`;
  expect(row, slug).toBeDefined();
  return row;
}

const euros = (cents: number) => `€${(cents / 100).toFixed(2)}`;

const setCookie = (res: Response, name: string) =>
  res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`)) ?? "";

/** The header's cart count, as the page shows it. */
const headerCount = (html: string) => {
  const link = html.match(/<a id="cart-count"[^>]*data-count="(\d+)"[\s\S]*?<\/a>/);
  expect(link, "the header cart link").not.toBeNull();
  const badge = link![0].match(/<span class="cart-badge">(\d+)<\/span>/);
  expect(badge?.[1]).toBe(link![1]);
  return Number(link![1]);
};

/** The cart lines on a cart page or fragment: product id → quantity in its field. */
const cartLines = (html: string) =>
  new Map(
    [...html.matchAll(/<input id="qty-(\d+)"[^>]*value="(\d+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]),
  );

/** One cart line's markup. */
const lineOf = (html: string, productId: number) =>
  html.match(new RegExp(`<li class="cart-line" data-product-id="${productId}">[\\s\\S]*?</li>`))
    ?.[0] ?? "";

const errorBanner = (html: string) =>
  html.match(/<div id="cart-error" class="error-banner" role="alert">([\s\S]*?)<\/div>/)?.[1]
    ?.trim();

/** A guest browser with `quantity` of the product in its cart, added as a plain form. */
async function guestWith(p: Product, quantity: number) {
  const browser = new Browser();
  const { res } = await browser.post("/cart/items", {
    productId: String(p.id),
    quantity: String(quantity),
  });
  expect(res.status).toBe(303);
  expect(browser.cookies.has(CART_COOKIE)).toBe(true);
  return browser;
}

/** The lines the store holds for the cart of this browser's guest cookie. */
async function storedLines(browser: Browser) {
  const { html } = await browser.get("/cart");
  return cartLines(html);
}

describe("the cart as a guest, without JavaScript", () => {
  it("adds with the CSRF field, goes back to the page with ?cart=added and sets a signed cookie", async () => {
    const croissant = await product("butter-croissant", 48);
    const browser = new Browser();
    const { html: page } = await browser.get(`/products/${croissant.slug}`);
    const csrf = page.match(/name="_csrf" value="([\w-]+)"/)?.[1];
    expect(csrf).toBeTruthy();
    expect(page).toMatch(/<form method="post" action="\/cart\/items"/);

    const { res } = await browser.request("/cart/items", {
      form: { _csrf: csrf!, productId: String(croissant.id), quantity: "2" },
      headers: { Referer: `${ORIGIN}/products/${croissant.slug}?from=list` },
      noFetchMetadata: true,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(
      `/products/${croissant.slug}?from=list&cart=added`,
    );
    // The page the customer came back to says so, too (there is no htmx message without JS).
    const back = await browser.get(res.headers.get("Location")!);
    expect(back.html).toContain('<p class="flash" role="status">Added to your cart.</p>');
    const unflashed = await browser.get(`/products/${croissant.slug}`);
    expect(unflashed.html).not.toContain("Added to your cart.");
    const cookie = setCookie(res, CART_COOKIE);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; Max-Age=604800/);
    // Signed: the id, a dot and an HMAC.
    expect(decodeURIComponent(browser.cookies.get(CART_COOKIE)!)).toMatch(
      /^[0-9a-f-]{36}\.[\w+/=-]+$/,
    );

    const { res: cartRes, html } = await browser.get("/cart?cart=added");
    expect(cartRes.status).toBe(200);
    expect(cartRes.headers.get("Cache-Control")).toBe("no-store");
    expect(html).toContain('<p class="flash" role="status">Added to your cart.</p>');
    expect(cartLines(html)).toEqual(new Map([[croissant.id, 2]]));
    const line = lineOf(html, croissant.id);
    expect(line).toContain(croissant.name);
    expect(line).toContain(`${euros(croissant.priceCents)} each`);
    expect(line).toContain(euros(2 * croissant.priceCents));
    expect(line).not.toContain("price-changed");
    expect(html).toContain('<a href="/checkout" class="btn-primary">Check out</a>');
    expect(headerCount(html)).toBe(2);
    // Every page's header counts the cart.
    expect(headerCount((await browser.get("/")).html)).toBe(2);
  });

  it("adds with Sec-Fetch-Site alone, back to /cart when the Referer is missing or foreign", async () => {
    const bun = await product("cinnamon-bun", 30);
    const browser = new Browser();
    const referers: [string | undefined, string][] = [
      [`${ORIGIN}/?category=viennoiserie`, "/?category=viennoiserie&cart=added"],
      [`${ORIGIN}/cart?cart=updated`, "/cart?cart=added"],
      [undefined, "/cart?cart=added"],
      ["https://evil.example/phish", "/cart?cart=added"],
      ["http://localhost:8080/products/x", "/cart?cart=added"],
      ["not a url", "/cart?cart=added"],
      [`${ORIGIN}//evil.example/x`, "/x?cart=added"],
    ];
    for (const [referer, location] of referers) {
      const { res } = await browser.post(
        "/cart/items",
        { productId: String(bun.id), quantity: "1" },
        referer ? { Referer: referer } : {},
      );
      expect(res.status, referer).toBe(303);
      expect(res.headers.get("Location"), referer).toBe(location);
    }
    expect(await storedLines(browser)).toEqual(new Map([[bun.id, referers.length]]));
  });

  it("refuses an add from another site, or without the CSRF token, and starts no cart", async () => {
    const bun = await product("pain-aux-raisins", 18);
    const form = { productId: String(bun.id), quantity: "1" };
    const attempts: Sent[] = [
      { form, headers: { "Sec-Fetch-Site": "cross-site" } },
      { form, headers: { Origin: "https://evil.example" }, noFetchMetadata: true },
      { form, noFetchMetadata: true },
      { form: { ...form, _csrf: "x".repeat(32) }, noFetchMetadata: true },
    ];
    for (const sent of attempts) {
      const browser = new Browser();
      const { res } = await browser.request("/cart/items", sent);
      expect(res.status).toBe(403);
      expect(browser.cookies.has(CART_COOKIE)).toBe(false);
    }
  });

  it("ignores a tampered or unsigned cart cookie: an empty cart, never a 500", async () => {
    const rye = await product("seeded-rye", 16);
    const browser = await guestWith(rye, 1);
    expect(await storedLines(browser)).toEqual(new Map([[rye.id, 1]]));
    const genuine = decodeURIComponent(browser.cookies.get(CART_COOKIE)!);
    const [id, signature] = [genuine.slice(0, 36), genuine.slice(37)];
    const otherId = crypto.randomUUID();
    const forged = [
      `${otherId}.${signature}`, // another id under this signature
      `${id}.${signature.slice(0, -4)}AAA=`, // a changed signature
      id, // no signature
      `${id}.`,
      "garbage",
      "%E0%A4%A",
    ];
    for (const value of forged) {
      const other = new Browser();
      other.cookies.set(CART_COOKIE, encodeURIComponent(value));
      const { res, html } = await other.get("/cart");
      expect(res.status, value).toBe(200);
      expect(html, value).toContain("Your cart is empty.");
      expect(headerCount(html), value).toBe(0);
      // Adding with it starts a new cart with a new cookie; the genuine cart is untouched.
      const added = await other.post("/cart/items", { productId: String(rye.id), quantity: "2" });
      expect(added.res.status, value).toBe(303);
      expect(decodeURIComponent(other.cookies.get(CART_COOKIE)!), value).not.toContain(id);
      expect(await storedLines(other), value).toEqual(new Map([[rye.id, 2]]));
    }
    expect(await storedLines(browser)).toEqual(new Map([[rye.id, 1]]));
  });

  it("updates a quantity and removes a line", async () => {
    const tart = await product("apple-tart", 6);
    const browser = await guestWith(tart, 1);

    const updated = await browser.post(`/cart/items/${tart.id}`, { quantity: "3" });
    expect(updated.res.status).toBe(303);
    expect(updated.res.headers.get("Location")).toBe("/cart?cart=updated");
    const { html } = await browser.get("/cart?cart=updated");
    expect(html).toContain("Cart updated.");
    expect(cartLines(html)).toEqual(new Map([[tart.id, 3]]));
    expect(lineOf(html, tart.id)).toContain(euros(3 * tart.priceCents));
    expect(headerCount(html)).toBe(3);

    const removed = await browser.post(`/cart/items/${tart.id}/remove`, {});
    expect(removed.res.status).toBe(303);
    expect(removed.res.headers.get("Location")).toBe("/cart?cart=removed");
    const after = await browser.get("/cart?cart=removed");
    expect(after.html).toContain("Removed from your cart.");
    expect(after.html).toContain("Your cart is empty.");
    expect(headerCount(after.html)).toBe(0);
  });

  it("answers a quantity of 0, 100 or 'abc' with 422, a clear message and no change", async () => {
    const loaf = await product("brioche-loaf", 12);
    const browser = await guestWith(loaf, 2);
    const cases: [string, string][] = [
      ["0", "Enter at least 1."],
      ["100", "At most 99 per product."],
      ["abc", "Enter a quantity."],
      ["1.5", "Enter a whole number."],
      ["-2", "Enter at least 1."],
    ];
    for (const [quantity, message] of cases) {
      const add = await browser.post("/cart/items", { productId: String(loaf.id), quantity });
      expect(add.res.status, `add ${quantity}`).toBe(422);
      expect(add.html.startsWith("<!doctype html>"), `add ${quantity}`).toBe(true);
      expect(errorBanner(add.html), `add ${quantity}`).toBe(message);
      expect(cartLines(add.html), `add ${quantity}`).toEqual(new Map([[loaf.id, 2]]));

      const update = await browser.post(`/cart/items/${loaf.id}`, { quantity });
      expect(update.res.status, `update ${quantity}`).toBe(422);
      expect(errorBanner(update.html), `update ${quantity}`).toBe(message);
      expect(cartLines(update.html), `update ${quantity}`).toEqual(new Map([[loaf.id, 2]]));
    }
    expect(await storedLines(browser)).toEqual(new Map([[loaf.id, 2]]));
  });

  it("refuses more than the stock with 'Only N left', counting what is in the cart", async () => {
    const cake = await product("carrot-cake-slice", 3);
    const browser = await guestWith(cake, 2);
    const add = await browser.post("/cart/items", { productId: String(cake.id), quantity: "2" });
    expect(add.res.status).toBe(422);
    expect(errorBanner(add.html)).toBe(
      `Only 3 left of ${cake.name} (you already have 2 in your cart).`,
    );
    const update = await browser.post(`/cart/items/${cake.id}`, { quantity: "4" });
    expect(update.res.status).toBe(422);
    expect(errorBanner(update.html)).toBe(`Only 3 left of ${cake.name}.`);
    expect(await storedLines(browser)).toEqual(new Map([[cake.id, 2]]));
    // Up to the stock is fine.
    const ok = await browser.post(`/cart/items/${cake.id}`, { quantity: "3" });
    expect(ok.res.status).toBe(303);
    expect(await storedLines(browser)).toEqual(new Map([[cake.id, 3]]));
  });

  it("refuses at most 99 of one product, saying how many are already in the cart", async () => {
    const baguette = await product("baguette-tradition", 500);
    const browser = await guestWith(baguette, 98);
    const add = await browser.post("/cart/items", {
      productId: String(baguette.id),
      quantity: "2",
    });
    expect(add.res.status).toBe(422);
    expect(errorBanner(add.html)).toBe(
      "At most 99 of one product per order (you already have 98).",
    );
    expect(await storedLines(browser)).toEqual(new Map([[baguette.id, 98]]));
  });

  it("refuses a sold-out product", async () => {
    const cheesecake = await product("basque-cheesecake", 0);
    const browser = new Browser();
    const { res, html } = await browser.post("/cart/items", {
      productId: String(cheesecake.id),
      quantity: "1",
    });
    expect(res.status).toBe(422);
    expect(errorBanner(html)).toBe(`${cheesecake.name} is sold out.`);
    expect(html).toContain("Your cart is empty.");
  });

  it("refuses an archived or unknown product, and shows an archived line as not orderable", async () => {
    const tea = await product("english-breakfast-tea", 50);
    const browser = await guestWith(tea, 1);
    await t.sql`update products set active = false where id = ${tea.id}`;
    try {
      for (const productId of [String(tea.id), "987654", "0", "abc"]) {
        const add = await browser.post("/cart/items", { productId, quantity: "1" });
        expect(add.res.status, productId).toBe(422);
        expect(errorBanner(add.html), productId).toMatch(
          /^(That product is not on sale\.|Choose a product\.)$/,
        );
      }
      const update = await browser.post(`/cart/items/${tea.id}`, { quantity: "2" });
      expect(update.res.status).toBe(422);
      expect(errorBanner(update.html)).toBe("That product is not on sale.");

      const { html } = await browser.get("/cart");
      expect(cartLines(html)).toEqual(new Map([[tea.id, 1]]));
      expect(lineOf(html, tea.id)).toContain("This product is no longer sold.");
      expect(html).not.toContain('href="/checkout"');
      expect(html).toContain("Change or remove the lines marked above to check out.");
    } finally {
      await t.sql`update products set active = true where id = ${tea.id}`;
    }
  });

  it("does not add a product through the update form when it is not in the cart", async () => {
    const [juice, cookie] = [
      await product("fresh-orange-juice", 20),
      await product("shortbread-fingers", 20),
    ];
    const browser = await guestWith(juice, 1);
    const { res, html } = await browser.post(`/cart/items/${cookie.id}`, { quantity: "5" });
    expect(res.status).toBe(404);
    expect(errorBanner(html)).toBe("That product is not in your cart.");
    expect(await storedLines(browser)).toEqual(new Map([[juice.id, 1]]));
    // Nor for a visitor with no cart at all, who gets no cart cookie either.
    const stranger = new Browser();
    const none = await stranger.post(`/cart/items/${cookie.id}`, { quantity: "5" });
    expect(none.res.status).toBe(404);
    expect(stranger.cookies.has(CART_COOKIE)).toBe(false);
  });
});

describe("the cart with htmx", () => {
  it("answers an add with a small fragment and the out-of-band header count", async () => {
    const pain = await product("pain-au-chocolat", 40);
    const browser = new Browser();
    const first = await browser.post(
      "/cart/items",
      { productId: String(pain.id), quantity: "2" },
      htmx,
    );
    expect(first.res.status).toBe(200);
    expect(first.html).not.toContain("<html");
    expect(first.html).toContain("Added. You have 2 in your cart.");
    expect(first.html).toMatch(
      /<a id="cart-count" href="\/cart" class="nav-link" hx-swap-oob="true" data-count="2">/,
    );
    expect(setCookie(first.res, CART_COOKIE)).toMatch(/HttpOnly/);

    const other = await product("almond-croissant", 20);
    const second = await browser.post(
      "/cart/items",
      { productId: String(other.id), quantity: "1" },
      htmx,
    );
    expect(second.html).toContain("Added. You have 1 in your cart.");
    expect(second.html).toMatch(/id="cart-count"[^>]*hx-swap-oob="true" data-count="3"/);
    expect(second.html).toContain('<span class="cart-badge">3</span>');
  });

  it("answers add errors with a 422 fragment", async () => {
    const cake = await product("victoria-sponge", 0);
    const browser = new Browser();
    const cases: [Record<string, string>, string][] = [
      [{ productId: String(cake.id), quantity: "0" }, "Enter at least 1."],
      [{ productId: String(cake.id), quantity: "1" }, `${cake.name} is sold out.`],
      [{ productId: "987654", quantity: "1" }, "That product is not on sale."],
    ];
    for (const [form, message] of cases) {
      const { res, html } = await browser.post("/cart/items", form, htmx);
      expect(res.status, message).toBe(422);
      expect(html, message).toBe(`<span class="field-error">${message}</span>`);
    }
  });

  it("answers update and remove with the #cart section and the count, errors with 422", async () => {
    const [fudge, tart] = [
      await product("chocolate-fudge-cake", 4),
      await product("lemon-meringue-tart", 20),
    ];
    const browser = await guestWith(fudge, 1);
    await browser.post("/cart/items", { productId: String(tart.id), quantity: "2" });

    const updated = await browser.post(`/cart/items/${fudge.id}`, { quantity: "3" }, htmx);
    expect(updated.res.status).toBe(200);
    expect(updated.html.startsWith('<section id="cart"')).toBe(true);
    expect(updated.html).not.toContain("<html");
    expect(updated.html).toContain("Cart updated.");
    expect(cartLines(updated.html)).toEqual(new Map([[fudge.id, 3], [tart.id, 2]]));
    expect(updated.html).toMatch(/<a id="cart-count"[^>]*hx-swap-oob="true" data-count="5">/);

    const refused = await browser.post(`/cart/items/${fudge.id}`, { quantity: "5" }, htmx);
    expect(refused.res.status).toBe(422);
    expect(refused.html.startsWith('<section id="cart"')).toBe(true);
    expect(errorBanner(refused.html)).toBe(`Only 4 left of ${fudge.name}.`);
    expect(cartLines(refused.html)).toEqual(new Map([[fudge.id, 3], [tart.id, 2]]));
    expect(refused.html).toMatch(/id="cart-count"[^>]*hx-swap-oob="true" data-count="5"/);

    const removed = await browser.post(`/cart/items/${fudge.id}/remove`, {}, htmx);
    expect(removed.res.status).toBe(200);
    expect(removed.html.startsWith('<section id="cart"')).toBe(true);
    expect(removed.html).toContain("Removed from your cart.");
    expect(cartLines(removed.html)).toEqual(new Map([[tart.id, 2]]));
    expect(removed.html).toMatch(/id="cart-count"[^>]*hx-swap-oob="true" data-count="2"/);
  });
});

describe("a guest cart after signing in", () => {
  it("is added to the account's cart on the next page (capped at 99) and the cookie cleared", async () => {
    const [croissant, baguette] = [
      await product("butter-croissant", 48),
      await product("baguette-tradition", 500),
    ];
    const email = `merge-${uniqueId()}@example.com`;
    const user = await t.services.accounts.manage.register(
      { email, password: PASSWORD, name: "Merle Merge" },
      { ip: "203.0.113.7", userAgent: "cart-pages.test" },
    );
    // What the account already had, from another device.
    await t.services.carts.setQuantity({ userId: user.id }, croissant.id, 1, croissant.priceCents);
    await t.services.carts.setQuantity({ userId: user.id }, baguette.id, 97, baguette.priceCents);

    const guest = await guestWith(croissant, 2);
    await guest.post("/cart/items", { productId: String(baguette.id), quantity: "5" });
    const guestCookie = guest.cookies.get(CART_COOKIE)!;
    expect(headerCount((await guest.get("/")).html)).toBe(7);

    const { html: signin } = await guest.get("/signin");
    expect(signin).toContain('action="/signin"');
    const signedIn = await guest.post("/signin", { email, password: PASSWORD });
    expect(signedIn.res.status).toBe(303);
    const next = signedIn.res.headers.get("Location")!;

    const { res, html } = await guest.get(next);
    expect(res.status).toBe(200);
    expect(setCookie(res, CART_COOKIE)).toMatch(/Max-Age=0/i);
    expect(guest.cookies.has(CART_COOKIE)).toBe(false);
    expect(headerCount(html)).toBe(3 + 99);

    const cart = await guest.get("/cart");
    expect(cartLines(cart.html)).toEqual(new Map([[croissant.id, 3], [baguette.id, 99]]));
    expect(await t.services.carts.lines({ userId: user.id })).toEqual(
      new Map([[croissant.id, 3], [baguette.id, 99]]),
    );

    // The guest cart is gone: its old cookie, replayed, shows an empty cart.
    const replay = new Browser();
    replay.cookies.set(CART_COOKIE, guestCookie);
    expect((await replay.get("/cart")).html).toContain("Your cart is empty.");
  });
});

describe("the cart page", () => {
  it("shows a price change since adding, and listens to the live stock stream", async () => {
    const pecan = await product("pecan-pie-slice", 30);
    const browser = await guestWith(pecan, 2);
    const newPrice = pecan.priceCents + 30;
    await t.services.catalog.updateProduct(pecan.id, { priceCents: newPrice });

    const { html } = await browser.get("/cart");
    const line = lineOf(html, pecan.id);
    expect(line).toContain(`${euros(newPrice)} each`);
    expect(line).toContain(`(was ${euros(pecan.priceCents)} when you added it)`);
    expect(line).toContain(euros(2 * newPrice));
    // The stream of the cart's pickup date (today's, until the customer chooses another).
    expect(html).toMatch(
      /<div hx-sse:connect="\/events\/stock\?date=\d{4}-\d{2}-\d{2}" hx-swap="none" hidden="">/,
    );
    // The line's stock badge is the one live stock events replace.
    expect(line).toMatch(
      new RegExp(`class="stock-badge stock-ok stock-${pecan.id}" data-product-id="${pecan.id}"`),
    );

    // Changing the quantity keeps the price first seen, so the change is still shown.
    await browser.post(`/cart/items/${pecan.id}`, { quantity: "1" });
    expect(lineOf((await browser.get("/cart")).html, pecan.id)).toContain(
      `(was ${euros(pecan.priceCents)} when you added it)`,
    );
  });

  it("shows an empty cart to a new visitor without setting a cart cookie", async () => {
    const { res, html } = await new Browser().get("/cart");
    expect(res.status).toBe(200);
    expect(html).toContain("Your cart is empty.");
    expect(setCookie(res, CART_COOKIE)).toBe("");
    expect(headerCount(html)).toBe(0);
  });
});
