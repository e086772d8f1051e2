import { Buffer } from "node:buffer";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { signIn } from "../admin-support.ts";
import { PNG_1PX } from "../image-fixtures.ts";
import { type E2E, startE2E } from "./browser.ts";

/** The catalog admin in Chromium: errors in place with htmx, uploads, stock changes. */
describe("admin catalog in Chromium", () => {
  let e2e: E2E;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "crumb-e2e-admin-"));
    e2e = await startE2E({ config: { DATA_DIR: dataDir } });
    const { cookie } = await signIn(e2e.t, "admin");
    const context = await e2e.browser.newContext({ baseURL: e2e.baseUrl });
    await context.addCookies(
      cookie.split("; ").map((pair) => {
        const [name, value] = pair.split("=");
        return { name, value, url: e2e.baseUrl };
      }),
    );
    page = await e2e.newPage(context);
  });
  afterAll(async () => {
    await e2e?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const marker = () => page.evaluate(() => (globalThis as Record<string, unknown>).marker ??= 1);

  it("points out a bad price in place, keeping what was typed", async () => {
    await page.goto("/admin/products/new");
    const mark = await marker();
    await page.getByLabel("Name").fill("Browser Bun");
    await page.getByLabel("Price (EUR)").fill("2.555");
    await page.getByLabel("Category").selectOption({ label: "Breads" });
    await page.getByLabel("Sesame").check();
    await page.getByRole("button", { name: "Create product" }).click();
    await expect.poll(() => page.locator("#product-price-error").textContent()).toContain(
      "Use at most two decimals",
    );
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).marker)).toBe(mark);
    expect(await page.getByLabel("Name").inputValue()).toBe("Browser Bun");
    expect(await page.getByLabel("Sesame").isChecked()).toBe(true);
  });

  it("creates the product with an uploaded image and shows it", async () => {
    await page.getByLabel("Price (EUR)").fill("2.55");
    await page.getByLabel("Image").setInputFiles({
      name: "bun.png",
      mimeType: "image/png",
      buffer: Buffer.from(PNG_1PX),
    });
    await page.getByRole("button", { name: "Create product" }).click();
    await expect.poll(() => page.url()).toContain("?done=created");
    expect(await page.getByRole("status").textContent()).toContain("The product was created.");
    const image = page.locator('img[alt="Current image"]');
    // Its WebP variants, cropped to 4:3: the browser picks the 320-wide one for a thumbnail.
    expect(await image.getAttribute("src")).toMatch(/^\/uploads\/[a-f0-9-]{36}-640\.webp$/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete)).toBe(true);
    expect(await image.evaluate((img: HTMLImageElement) => img.currentSrc)).toMatch(
      /\/uploads\/[a-f0-9-]{36}-320\.webp$/,
    );
    await e2e.screenshot(page, "admin-product-created");
  });

  it("refuses to take more stock than there is, then records a bake", async () => {
    await page.goto("/admin/stock?q=browser");
    const row = page.locator("tbody tr").first();
    await row.getByLabel("Change", { exact: true }).selectOption("waste");
    await row.getByLabel("Quantity").fill("3");
    await row.getByRole("button", { name: /Save/ }).click();
    await expect.poll(() => row.locator(".field-error").textContent()).toBe(
      "Only 0 in stock: you cannot take 3.",
    );
    await row.getByLabel("Change", { exact: true }).selectOption("bake");
    await row.getByLabel("Quantity").fill("6");
    await row.getByRole("button", { name: /Save/ }).click();
    await expect.poll(() => page.url()).toContain("done=saved");
    expect(page.url()).toContain("q=browser");
    await expect.poll(() => page.locator("tbody tr").first().textContent()).toContain("6");
    await e2e.screenshot(page, "admin-stock");
  });

  it("searches the product list as one types, keeping the filters in the URL", async () => {
    await page.goto("/admin/products");
    const mark = await marker();
    await page.getByLabel("Search name or slug").fill("browser");
    await expect.poll(() => page.locator("#product-results tbody tr").count()).toBe(1);
    expect(await page.locator("#product-results").textContent()).toContain("Browser Bun");
    await expect.poll(() => page.url()).toContain("q=browser");
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).marker)).toBe(mark);
  });

  it("logged no browser errors but the refusals it asked for", () => {
    const expected = /Failed to load resource: the server responded with a status of 422 /;
    expect(e2e.consoleErrors.filter((e) => !expected.test(e))).toEqual([]);
  });
});
