import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { type E2E, startE2E } from "./browser.ts";
import { addDays } from "../../src/shop/hours.ts";

/**
 * A customer pre-orders a whole cake (48 hours' notice) for the day after tomorrow, with
 * JavaScript and without it; with JavaScript the cart count follows in a second tab.
 */

const password = "a cake for the weekend";
const CAKE = "Chocolate Fudge Cake";

/** The shop's dates (UTC here) and the earliest day a cake ordered now can be picked up. */
function dates() {
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  // The last pickup is 23:45: past that time of day, two days' notice reaches a day further.
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  const cakeDay = addDays(today, minutes < 23 * 60 + 45 ? 2 : 3);
  return { today, tomorrow: addDays(today, 1), cakeDay };
}

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E({
    seed: "bakery",
    config: { OPENING_HOURS: "mon-sun 00:00-23:45", TIMEZONE: "UTC", PREP_MINUTES: "15" },
  });
});
afterAll(() => e2e?.close());

async function customer() {
  const email = `dora-${crypto.randomUUID().slice(0, 8)}@example.com`;
  await e2e.t.services.accounts.manage.register(
    { email, password, name: "Dora Customer" },
    { ip: "127.0.0.1", userAgent: "e2e" },
    "customer",
    { emailVerified: true },
  );
  return email;
}

async function signIn(page: Page, email: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
}

const badge = (page: Page) => page.locator("#cart-count .cart-badge").textContent();

/** Tomorrow the cake cannot be had: it says why, and offers the earliest day, which we take. */
async function chooseCakeDay(page: Page) {
  const { tomorrow, cakeDay } = dates();
  await page.goto(`/?category=cakes&date=${tomorrow}`);
  const card = page.locator(".product-card", { hasText: CAKE });
  expect(await card.textContent()).toContain("needs 48 hours' notice");
  expect(await card.getByRole("button", { name: /Add to cart/ }).isDisabled()).toBe(true);
  await card.getByRole("link", { name: /instead$/ }).click();
  await expect.poll(() => page.url()).toContain(`/products/chocolate-fudge-cake?date=${cakeDay}`);
  await expect.poll(() => page.locator('[aria-current="date"]').getAttribute("href"))
    .toContain(cakeDay);
  return cakeDay;
}

/** Checkout for the cart's day at its last pickup time; the order's pickup is on that day. */
async function checkOut(page: Page, cakeDay: string) {
  await page.goto("/checkout");
  expect(await page.locator("#pickup-date").inputValue()).toBe(cakeDay);
  const times = page.locator("#slot option:not([disabled])");
  const last = await times.last().getAttribute("value");
  expect(last).toBeTruthy();
  await page.selectOption("#slot", last!);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect.poll(() => page.url()).toMatch(/\/orders\/\d+\?placed=1/);
  const id = Number(/\/orders\/(\d+)/.exec(page.url())![1]);
  const [row] = await e2e.t.sql<{ pickupAt: Date; name: string }[]>`
    select o.pickup_at, i.name from orders o join order_items i on i.order_id = o.id
    where o.id = ${id}`;
  expect(row.name).toBe(CAKE);
  expect(row.pickupAt.toISOString().slice(0, 10)).toBe(cakeDay);
}

describe("pre-ordering a cake with JavaScript", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await e2e.browser.newContext({ baseURL: e2e.baseUrl });
    page = await e2e.newPage(context);
    await signIn(page, await customer());
  });
  afterAll(() => context?.close());

  it("on a phone, tomorrow's catalog says why the cake waits and which day it can be had", async () => {
    const phone = await e2e.newPage(context);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`/?category=cakes&date=${dates().tomorrow}`);
    const card = phone.locator(".product-card", { hasText: CAKE });
    expect(await card.locator(".unavailable-note").textContent()).toContain("48 hours' notice");
    await e2e.screenshot(phone, "pre-order-phone-tomorrow");
    await phone.close();
  });

  it("picks the earliest day the cake can be had and adds it in place", async () => {
    await chooseCakeDay(page);
    await page.getByRole("button", { name: /Add to cart/ }).click();
    await expect.poll(() => badge(page)).toBe("1");
    await e2e.screenshot(page, "pre-order-cake-day");
  });

  it("keeps a second tab's cart count and cart page in step without reloading", async () => {
    const second = await e2e.newPage(context);
    const streams = e2e.t.live.size();
    await second.goto("/cart");
    await expect.poll(() => e2e.t.live.size()).toBeGreaterThan(streams);
    expect(await badge(second)).toBe("1");

    await page.goto("/?category=cookies");
    const cookie = page.locator(".product-card", { hasText: "Shortbread Fingers" });
    await cookie.getByRole("button", { name: /Add to cart/ }).click();
    await expect.poll(() => badge(page)).toBe("2");
    await expect.poll(() => badge(second)).toBe("2");
    await expect.poll(() => second.locator("#cart").textContent()).toContain("Shortbread Fingers");
    await e2e.screenshot(second, "pre-order-second-tab");
    await second.close();
  });

  it("checks out for that day", async () => {
    await checkOut(page, dates().cakeDay);
    await expect.poll(() => badge(page)).toBe("0");
  });
});

describe("pre-ordering a cake without JavaScript", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await e2e.browser.newContext({ baseURL: e2e.baseUrl, javaScriptEnabled: false });
    page = await e2e.newPage(context);
    await signIn(page, await customer());
  });
  afterAll(() => context?.close());

  it("chooses the day by a plain link, adds the cake by a plain form and checks out", async () => {
    const cakeDay = await chooseCakeDay(page);
    await page.getByRole("button", { name: /Add to cart/ }).click();
    await expect.poll(() => page.url()).toContain("cart=added");
    expect(await badge(page)).toBe("1");
    expect(await page.locator('[aria-current="date"]').getAttribute("href")).toContain(cakeDay);
    await checkOut(page, cakeDay);
  });
});

describe("the browser", () => {
  it("logged no errors", () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
