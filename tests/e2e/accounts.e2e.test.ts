import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { type E2E, startE2E } from "./browser.ts";

describe("accounts in Chromium", () => {
  let e2e: E2E;
  let page: Page;
  const email = `ada-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = "crumbs on the counter";

  beforeAll(async () => {
    e2e = await startE2E();
    page = await e2e.newPage();
  });
  afterAll(() => e2e?.close());

  const header = () => page.locator("header");
  const heading = () => page.locator("h1").textContent();

  it("shows Sign in in the header while signed out", async () => {
    await page.goto("/");
    await expect.poll(() => header().getByRole("link", { name: "Sign in" }).count()).toBe(1);
    expect(await header().getByRole("button", { name: "Sign out" }).count()).toBe(0);
  });

  it("points out a bad sign-up in place, without a reload", async () => {
    await page.getByRole("link", { name: "Sign in" }).click();
    await expect.poll(heading).toBe("Sign in");
    await page.getByRole("link", { name: "Create an account" }).click();
    await expect.poll(heading).toBe("Create an account");
    const marker = await page.evaluate(() => (globalThis as Record<string, unknown>).marker = 1);
    await page.getByLabel("Your name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    const problem = page.locator("#signup-password-error");
    await expect.poll(() => problem.textContent()).toBe("Use at least 10 characters.");
    // Same document: htmx swapped the form, and the cursor is back in the password field.
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).marker)).toBe(marker);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(
      "signup-password",
    );
    expect(await page.getByLabel("Email").inputValue()).toBe(email);
    expect(await page.getByRole("alert").textContent()).toContain("Please correct");
    await e2e.screenshot(page, "signup-errors");
  });

  it("signs up and lands on the account page, signed in", async () => {
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.url()).toContain("/account?done=signup");
    await expect.poll(heading).toBe("Your account");
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Welcome!");
    const details = await page.locator("#section-details").textContent();
    expect(details).toContain("Ada Lovelace");
    expect(details).toContain(email);
    expect(details).toContain("Customer");
    expect(await header().textContent()).toContain("Ada");
    expect(await header().getByRole("link", { name: "Account" }).count()).toBe(1);
    expect(await header().getByRole("link", { name: "Sign in" }).count()).toBe(0);
    await e2e.screenshot(page, "account");
  });

  it("signs out from the header", async () => {
    await header().getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/");
    await expect.poll(() => header().getByRole("link", { name: "Sign in" }).count()).toBe(1);
    expect(await header().getByRole("button", { name: "Sign out" }).count()).toBe(0);
    expect(await header().textContent()).not.toContain("Ada");
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name)).not.toContain("crumb_access");
    await page.goto("/account");
    await expect.poll(() => page.url()).toContain("/signin?next=%2Faccount");
  });

  it("says when the password is wrong, then signs in and returns to the account page", async () => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not my password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain(
      "That email and password don't match.",
    );
    expect(await page.getByLabel("Email").inputValue()).toBe(email);
    expect(await page.getByLabel("Password").inputValue()).toBe("");
    await e2e.screenshot(page, "signin-failed");

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/account");
    await expect.poll(heading).toBe("Your account");
    expect(await page.locator("#section-details").textContent()).toContain("Ada Lovelace");
    expect(await header().textContent()).toContain("Ada");
    expect(await header().getByRole("button", { name: "Sign out" }).count()).toBe(1);
    await e2e.screenshot(page, "account-signed-in-again");
  });

  it("changes the name and shows it in the header", async () => {
    await page.getByLabel("Name", { exact: true }).fill("Grace Hopper");
    await page.getByRole("button", { name: "Save name" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain(
      "Your name was saved.",
    );
    expect(await header().textContent()).toContain("Grace");
    expect(await page.locator("#section-details").textContent()).toContain("Grace Hopper");
  });

  it("logged no browser errors", () => {
    // Chromium logs every 4xx answer to fetch() as a console error. The two refusals this
    // test asked for are expected, and only those: anything else fails.
    const expected = [
      /\/signup: Failed to load resource: the server responded with a status of 422 /,
      /\/signin\?next=%2Faccount: Failed to load resource: .* status of 401 /,
    ];
    const seen = e2e.consoleErrors.filter((error) => !expected.some((e) => e.test(error)));
    expect(seen).toEqual([]);
    expect(e2e.consoleErrors).toHaveLength(expected.length);
  });
});
