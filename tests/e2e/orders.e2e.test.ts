import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { type E2E, startE2E } from "./browser.ts";

describe("ordering in Chromium", () => {
  let e2e: E2E;
  let page: Page;
  const email = `cleo-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = "warm bread at dawn";

  beforeAll(async () => {
    // Open every day, all day: the test must not depend on the hour it runs at.
    e2e = await startE2E({
      config: { OPENING_HOURS: "mon-sun 00:00-23:45", PREP_MINUTES: "15" },
    });
    page = await e2e.newPage();
  });
  afterAll(() => e2e?.close());

  const cartBadge = () => page.locator("#cart-count .cart-badge").textContent();

  it("adds to the cart from the catalog as a guest, in place", async () => {
    await page.goto("/?category=viennoiserie");
    const card = page.locator(".product-card", { hasText: "Butter Croissant" });
    await card.getByRole("button", { name: /Add to cart/ }).click();
    await expect.poll(cartBadge).toBe("1");
    await expect.poll(() => card.locator(".cart-feedback").textContent()).toContain("Added");
    await card.getByRole("button", { name: /Add to cart/ }).click();
    await expect.poll(cartBadge).toBe("2");
  });

  it("keeps the guest cart through sign-up, and checks out for pickup", async () => {
    await page.goto("/checkout");
    // Checkout needs an account: sign-up first, then back to checkout.
    await expect.poll(() => page.url()).toContain("/signin?next=%2Fcheckout");
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("Your name").fill("Cleo Customer");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain("/checkout");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Checkout");
    // The customer confirms their address from the mail (account-links.e2e.test.ts follows
    // that link); the checkout then takes the order.
    await expect.poll(() => page.locator("#verify-notice").count()).toBe(1);
    await e2e.t.sql`update users set email_verified_at = now() where email = ${email}`;
    await page.reload();
    await expect.poll(() => page.locator("#verify-notice").count()).toBe(0);
    const summary = page.getByRole("complementary", { name: "Order summary" });
    await expect.poll(() => summary.textContent()).toContain("2 × Butter Croissant");
    await page.getByLabel("Note for the bakers (optional)").fill("Extra crispy, please");
    await e2e.screenshot(page, "checkout");
    await page.getByRole("button", { name: "Place order" }).click();
    await expect.poll(() => page.url()).toMatch(/\/orders\/\d+\?placed=1/);
    await expect.poll(() => page.locator("[data-order-code]").textContent()).toMatch(
      /^[A-Z]-\d{3}$/,
    );
    await expect.poll(cartBadge).toBe("0");
    await e2e.screenshot(page, "order-confirmation");
  });

  it("shows a status change made through the API live on the confirmation page", async () => {
    const id = Number(/\/orders\/(\d+)/.exec(page.url())![1]);
    const status = page.locator(`#order-status-${id}`);
    await expect.poll(() => status.getAttribute("data-status")).toBe("placed");
    await expect.poll(() => e2e.t.live.size()).toBeGreaterThan(0);
    const staff = await e2e.t.services.accounts.manage.register(
      { email: `sam-${crypto.randomUUID().slice(0, 8)}@example.com`, password, name: "Sam" },
      { ip: "127.0.0.1", userAgent: "e2e" },
      "staff",
    );
    const { accessToken } = await e2e.t.services.accounts.sessions.startSession(
      staff,
      { ip: "127.0.0.1", userAgent: "e2e" },
      "api",
    );
    for (const next of ["baking", "ready"]) {
      const res = await e2e.t.app.request(`/api/v1/orders/${id}/status`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ status: next }),
      });
      expect(res.status).toBe(200);
      await expect.poll(() => status.getAttribute("data-status"), { timeout: 3000 }).toBe(next);
    }
    await expect.poll(() => status.textContent()).toContain("Ready");
    await e2e.screenshot(page, "order-ready");
  });

  it("lists the order on the account page", async () => {
    await page.goto("/account");
    await expect.poll(() => page.locator("#section-orders").textContent()).toContain(
      "Ready",
    );
  });

  it("logged no browser errors", () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
