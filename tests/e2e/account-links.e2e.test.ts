import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { Consumer } from "../../src/infra/queue.ts";
import { startConsumers, stopConsumers, workerDeps } from "../../worker/handlers/index.ts";
import { mailedLink } from "../account-support.ts";
import { type E2E, startE2E } from "./browser.ts";

/** Confirming the address before the first order, and a forgotten password, in Chromium. */
describe("account links in Chromium", () => {
  let e2e: E2E;
  let page: Page;
  let consumers: Consumer[] = [];
  const email = `lina-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = "crumbs on the counter";
  const newPassword = "proofing baskets at dawn";

  beforeAll(async () => {
    e2e = await startE2E();
    const { t } = e2e;
    consumers = await startConsumers(
      workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }),
    );
    t.services.relay.start();
    page = await e2e.newPage();
  });
  afterAll(async () => {
    await e2e?.t.services.relay.stop();
    await stopConsumers(consumers);
    await e2e?.close();
  });

  const heading = () => page.locator("h1").textContent();

  it("asks a new customer to confirm their address before the first order", async () => {
    await page.goto("/signup");
    await page.getByLabel("Your name").fill("Lina Link");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    // Sign-up hashes a password: on a busy machine that takes a while.
    await expect.poll(heading, { timeout: 15_000 }).toBe("Your account");
    expect(await page.locator("#section-details").textContent()).toContain("not confirmed yet");
    await page.goto("/");
    await page.locator(".product-card").first().getByRole("button", { name: /Add to cart/ })
      .click();
    await expect.poll(() => page.locator(".cart-badge").textContent()).toBe("1");
    await page.goto("/checkout");
    const notice = page.locator("#verify-notice");
    await expect.poll(() => notice.textContent()).toContain("Confirm your email address to order.");
    await e2e.screenshot(page, "checkout-unconfirmed");

    const link = await mailedLink(e2e.t, email, "email_verification");
    await page.goto(link.path);
    await expect.poll(heading).toBe("Confirm your email address");
    await page.getByRole("button", { name: "Confirm my address" }).click();
    await expect.poll(() => page.url()).toContain("/account?done=verified");
    expect(await page.locator("#section-details").textContent()).toContain("confirmed");
    expect(await page.locator("#section-details").textContent()).not.toContain("not confirmed");
    await page.goto("/checkout");
    await expect.poll(heading).toBe("Checkout");
    expect(await page.locator("#verify-notice").count()).toBe(0);
    expect(e2e.consoleErrors).toEqual([]);
  });

  it("resets a forgotten password from the mailed link", async () => {
    await page.locator("header").getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/");
    await page.goto("/signin");
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await expect.poll(heading).toBe("Forgot your password?");
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send me a reset link" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain(
      `If an account uses ${email}, we have sent it a link`,
    );
    await e2e.screenshot(page, "forgot-password");

    const link = await mailedLink(e2e.t, email, "password_reset");
    await page.goto(link.path);
    await expect.poll(heading).toBe("Choose a new password");
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect.poll(() => page.url(), { timeout: 15_000 }).toContain("/signin?done=reset");
    expect(await page.getByRole("status").textContent()).toContain("Sign in with the new one.");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(heading, { timeout: 15_000 }).toBe("Your account");
    expect(e2e.consoleErrors).toEqual([]);
  });
});
