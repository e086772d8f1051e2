import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { type E2E, startE2E } from "./browser.ts";

describe("the order board in Chromium", () => {
  let e2e: E2E;
  let staffContext: BrowserContext;
  let board: Page;
  let customer: Page;
  const password = "flour on the counter";
  const meta = { ip: "127.0.0.1", userAgent: "e2e" };

  beforeAll(async () => {
    e2e = await startE2E({ config: { OPENING_HOURS: "mon-sun 00:00-23:45", PREP_MINUTES: "15" } });
    await e2e.t.services.accounts.manage.register(
      { email: "kiosk@example.com", password, name: "Kim Kiosk" },
      meta,
      "staff",
    );
    await e2e.t.services.accounts.manage.register(
      { email: "dora@example.com", password, name: "Dora Baker" },
      meta,
      "customer",
      { emailVerified: true },
    );
    staffContext = await e2e.browser.newContext({ baseURL: e2e.baseUrl });
    board = await e2e.newPage(staffContext);
    customer = await e2e.newPage(await e2e.browser.newContext({ baseURL: e2e.baseUrl }));
  });
  afterAll(() => e2e?.close());

  const signIn = async (page: Page, email: string, kiosk = false) => {
    await page.goto("/signin");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    if (kiosk) await page.getByLabel(/order-board device/).check();
    await page.getByRole("button", { name: "Sign in" }).click();
    // A navigation, awaited as one: a sign-in's password check may take seconds on a busy machine.
    // Staff land on the board, customers on their account.
    await page.waitForURL(kiosk ? /\/board/ : /\/account/);
  };

  it("signs the kiosk in once and opens the live board", async () => {
    await signIn(board, "kiosk@example.com", true);
    await board.goto("/board");
    await expect.poll(() => board.locator("h1").textContent()).toBe("Orders");
    await expect.poll(() => e2e.t.live.size()).toBeGreaterThan(0);
  });

  it("shows an order placed in the shop within a second, without a reload", async () => {
    await signIn(customer, "dora@example.com");
    await customer.goto("/products/seeded-rye");
    await customer.getByRole("button", { name: /Add to cart/ }).click();
    await expect.poll(() => customer.locator("#cart-count .cart-badge").textContent()).toBe("1");
    await customer.goto("/checkout");
    await customer.getByRole("button", { name: "Place order" }).click();
    await expect.poll(() => customer.url()).toMatch(/\/orders\/\d+/);
    const code = (await customer.locator("[data-order-code]").textContent())!.trim();
    const placedAt = Date.now();
    const ticket = board.locator(".ticket", { hasText: code });
    await expect.poll(() => ticket.count(), { timeout: 1000, interval: 20 }).toBe(1);
    expect(Date.now() - placedAt).toBeLessThan(1000);
    const text = await ticket.textContent();
    expect(text).toContain("Dora B.");
    expect(text).toContain("Seeded Rye");
    expect(text).not.toContain("dora@example.com");
    expect(await board.locator("#col-new .ticket", { hasText: code }).count()).toBe(1);
    await expect.poll(() => board.locator("#all-day").textContent()).toContain("Seeded Rye");
    await e2e.screenshot(board, "board-new-order");
  });

  it("bumps the ticket to Ready; the customer's page follows live", async () => {
    const code = (await customer.locator("[data-order-code]").textContent())!.trim();
    const orderId = Number(/\/orders\/(\d+)/.exec(customer.url())![1]);
    const status = customer.locator(`#order-status-${orderId}`);
    const ticket = () => board.locator(".ticket", { hasText: code });
    await ticket().getByRole("button", { name: /Start baking/ }).click();
    await expect.poll(() => board.locator("#col-baking .ticket", { hasText: code }).count()).toBe(
      1,
    );
    // The undo stays until the next move, laid over the board.
    const undo = board.locator("#board-undo");
    await expect.poll(() => undo.textContent()).toContain(`${code} moved to Baking.`);
    expect(await undo.evaluate((el) => getComputedStyle(el.parentElement!).position)).toBe("fixed");
    await undo.getByRole("button", { name: /Undo/ }).click();
    await expect.poll(() => board.locator("#col-new .ticket", { hasText: code }).count()).toBe(1);
    expect(await undo.isHidden()).toBe(true);
    await ticket().getByRole("button", { name: /Start baking/ }).click();
    await expect.poll(() => board.locator("#col-baking .ticket", { hasText: code }).count()).toBe(
      1,
    );
    // The bump bar: focus the ticket and press Enter.
    await ticket().focus();
    await board.keyboard.press("Enter");
    await expect.poll(() => board.locator("#col-ready .ticket", { hasText: code }).count()).toBe(1);
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 3000 }).toBe("ready");
    await e2e.screenshot(board, "board-ready");
    await e2e.screenshot(customer, "customer-ready");
  });

  it("shows the code on the public pickup screen", async () => {
    const code = (await customer.locator("[data-order-code]").textContent())!.trim();
    const screen = await e2e.newPage(await e2e.browser.newContext({ baseURL: e2e.baseUrl }));
    await screen.goto("/pickup");
    await expect.poll(() => screen.locator(".pickup-list.ready").textContent(), { timeout: 10_000 })
      .toContain(code);
    expect(await screen.content()).not.toContain("Dora");
    await e2e.screenshot(screen, "pickup-screen");
  });

  it("logged no browser errors", () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
