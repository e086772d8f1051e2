import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { signIn } from "../admin-support.ts";
import { type E2E, startE2E } from "./browser.ts";
import { axeViolations } from "./axe.ts";

/**
 * axe-core over every page state the browser tests reach, signed out and as a customer,
 * staff and an admin, on a phone and a desktop: any WCAG 2.2 A/AA violation fails.
 */

const viewports = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 900 } },
} as const;

type Role = "customer" | "staff" | "admin";

const SWEEP_MS = 240_000;

/** A page state: a path, and what to do there before axe looks (open a form, fail it …). */
interface State {
  path: string | ((ids: Ids) => string);
  then?: (page: Page) => Promise<void>;
  name: string;
}

interface Ids {
  orderId: number;
  productId: number;
  userId: number;
}

/** Adds the product of the page to the cart and waits until the header counts it. */
async function addOne(page: Page) {
  const badge = page.locator("#cart-count .cart-badge");
  const before = Number(await badge.textContent());
  await page.getByRole("button", { name: /Add to cart/ }).first().focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    (n) => Number(document.querySelector("#cart-count .cart-badge")?.textContent) > n,
    before,
  );
}

/** Opens the disclosures a phone shows (the header's menu, the catalog's filters). */
async function openDisclosures(page: Page) {
  for (const summary of [".nav-menu > summary", ".catalog-filters > summary"]) {
    const found = page.locator(summary);
    if (await found.count() && await found.isVisible()) await found.click();
  }
}

const signedOut: State[] = [
  { name: "catalog, menu and filters open", path: "/", then: openDisclosures },
  { name: "sign-in after a lost session", path: "/signin?next=%2Fcheckout&done=checkout" },
  { name: "catalog", path: "/" },
  { name: "catalog, free from gluten and milk", path: "/?free-from=gluten,milk" },
  { name: "catalog, a category chosen", path: "/?category=breads" },
  { name: "catalog, a search with no results", path: "/?q=zzzz" },
  { name: "product", path: "/products/seeded-rye" },
  { name: "empty cart", path: "/cart" },
  {
    name: "cart with a line",
    path: "/products/butter-croissant",
    then: async (page) => {
      await addOne(page);
      await page.goto("/cart");
      await page.locator(".cart-line").first().waitFor();
    },
  },
  { name: "sign-in", path: "/signin" },
  {
    name: "sign-in refused",
    path: "/signin",
    then: async (page) => {
      await page.getByLabel("Email").fill("nobody@example.com");
      await page.getByLabel("Password").fill("not the password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator(".error-banner, .field-error").first().waitFor();
    },
  },
  { name: "sign-up", path: "/signup" },
  { name: "not found", path: "/no-such-page" },
  { name: "pickup screen", path: "/pickup" },
];

const customer: State[] = [
  { name: "catalog", path: "/" },
  { name: "account, menu open", path: "/account", then: openDisclosures },
  { name: "orders", path: "/account/orders" },
  {
    name: "order, cancel question open",
    path: ({ orderId }) => `/orders/${orderId}`,
    then: async (page) => {
      await page.getByText("Cancel this order…").click();
      await page.getByRole("button", { name: "Yes, cancel the order" }).waitFor();
    },
  },
  { name: "account", path: "/account" },
  { name: "order", path: ({ orderId }) => `/orders/${orderId}` },
  {
    name: "checkout",
    path: "/products/seeded-rye",
    then: async (page) => {
      await addOne(page);
      await page.goto("/checkout");
      await page.getByRole("button", { name: "Place order" }).waitFor();
    },
  },
];

const staff: State[] = [{ name: "board", path: "/board" }];

const admin: State[] = [
  "/admin",
  "/admin/products",
  "/admin/products/new",
  "/admin/categories",
  "/admin/stock",
  "/admin/orders",
  "/admin/users",
  "/admin/coupons",
  "/admin/coupons/new",
  "/admin/kiosks",
  "/admin/audit",
  "/admin/notifications",
  "/admin/jobs",
  "/admin/shop",
].map((path) => ({ name: path, path }));
admin.push(
  { name: "product form", path: ({ productId }) => `/admin/products/${productId}` },
  { name: "order detail", path: ({ orderId }) => `/admin/orders/${orderId}` },
  { name: "user detail", path: ({ userId }) => `/admin/users/${userId}` },
  { name: "stock of a product", path: ({ productId }) => `/admin/stock/${productId}` },
  {
    name: "shop settings refused",
    path: "/admin/shop",
    then: async (page) => {
      await page.getByLabel("Phone").fill("call us");
      await page.getByRole("button", { name: "Save" }).click();
      await page.locator("#shop-phone-error").waitFor();
    },
  },
);

describe("accessibility sweep (axe-core, WCAG 2.2 AA)", () => {
  let e2e: E2E;
  let ids: Ids;
  const cookies: Partial<Record<Role, string>> = {};

  beforeAll(async () => {
    e2e = await startE2E({ config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
    const t = e2e.t;
    for (const role of ["customer", "staff", "admin"] as const) {
      cookies[role] = (await signIn(t, role)).cookie;
    }
    const [who] = await t.sql<{ id: number }[]>`
      select id from users where role = 'customer' and email like 'customer-%' limit 1`;
    const [product] = await t.sql<{ id: number }[]>`
      update products set stock = 500 where slug = 'seeded-rye' returning id`;
    await t.sql`update products set stock = 500 where slug = 'butter-croissant'`;
    const { order } = await t.services.orders.place({
      userId: who.id,
      items: [{ productId: product.id, quantity: 2 }],
    });
    ids = { orderId: order.id, productId: product.id, userId: who.id };
  });
  afterAll(() => e2e?.close());

  const contextFor = async (size: keyof typeof viewports, role?: Role) => {
    const context = await e2e.browser.newContext({ ...viewports[size], baseURL: e2e.baseUrl });
    if (role) {
      await context.addCookies(
        cookies[role]!.split("; ").map((pair) => {
          const [name, value] = pair.split("=");
          return { name, value, url: e2e.baseUrl };
        }),
      );
    }
    return context;
  };

  const sweep = async (context: BrowserContext, states: State[], label: string) => {
    const found: string[] = [];
    const page = await e2e.newPage(context);
    for (const state of states) {
      const path = typeof state.path === "function" ? state.path(ids) : state.path;
      await page.goto(path, { waitUntil: "load" });
      await state.then?.(page);
      for (const problem of await axeViolations(page)) {
        found.push(`${label} · ${state.name}: ${problem}`);
      }
    }
    await context.close();
    return found;
  };

  for (const size of ["phone", "desktop"] as const) {
    // axe reads every node of a page: a sweep of twenty pages takes its time.
    it(`finds no violation signed out, on a ${size}`, async () => {
      expect(await sweep(await contextFor(size), signedOut, `signed out, ${size}`)).toEqual([]);
    }, SWEEP_MS);
    it(`finds no violation as a customer, on a ${size}`, async () => {
      const context = await contextFor(size, "customer");
      expect(await sweep(context, customer, `customer, ${size}`)).toEqual([]);
    }, SWEEP_MS);
    it(`finds no violation as staff, on a ${size}`, async () => {
      expect(await sweep(await contextFor(size, "staff"), staff, `staff, ${size}`)).toEqual([]);
    }, SWEEP_MS);
    it(`finds no violation as an admin, on a ${size}`, async () => {
      expect(await sweep(await contextFor(size, "admin"), admin, `admin, ${size}`)).toEqual([]);
    }, SWEEP_MS);
  }

  it("left no error in the browser console but the refusals it asked for", () => {
    // The refused sign-in (401), the missing page (404) and the refused shop settings (422)
    // answer so on purpose; the browser logs every 4xx it loads.
    const refused =
      /\/(signin|no-such-page|admin\/shop): Failed to load resource: .* status of (401|404|422)/;
    expect(e2e.consoleErrors.filter((line) => !refused.test(line))).toEqual([]);
  });
});
