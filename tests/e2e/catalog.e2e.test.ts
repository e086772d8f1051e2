import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { type E2E, startE2E } from "./browser.ts";

describe("customer catalog in Chromium", () => {
  let e2e: E2E;
  let page: Page;

  beforeAll(async () => {
    e2e = await startE2E();
    page = await e2e.newPage();
  });
  afterAll(() => e2e?.close());

  const productCards = () => page.locator("#catalog-results .product-card");

  it("opens the catalog with products, prices, allergens and stock", async () => {
    await page.goto("/");
    await expect.poll(() => productCards().count()).toBe(24);
    // The count is a live region of its own, beside the results.
    await expect.poll(() => page.locator("#result-count").textContent()).toContain(
      "30 products",
    );
    const croissant = page.locator(".product-card", { hasText: "Butter Croissant" });
    await expect.poll(() => croissant.textContent()).toContain("€2.40");
    await expect.poll(() => croissant.textContent()).toContain("Contains: Gluten, Milk, Eggs");
    await e2e.screenshot(page, "catalog");
  });

  it("filters by category without a reload, and the URL follows", async () => {
    const marker = await page.evaluate(() => (globalThis as Record<string, unknown>).marker = 1);
    await page.getByRole("radio", { name: /Breads/ }).check();
    await expect.poll(() => productCards().count()).toBe(5);
    await expect.poll(() => page.url()).toContain("category=breads");
    // Same document: htmx swapped the results instead of loading a page.
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).marker)).toBe(marker);
    await expect.poll(() => page.locator("#catalog-results").textContent()).toContain(
      "Country Sourdough",
    );
  });

  it("searches as you type", async () => {
    await page.getByRole("radio", { name: "All" }).check();
    await page.getByLabel("Search the bakery").fill("croissant");
    await expect.poll(() => page.url()).toContain("q=croissant");
    await expect.poll(() => productCards().count()).toBe(4);
    const names = await productCards().locator("h3").allTextContents();
    // Descriptions count too: both pains are made of croissant dough.
    expect(names.map((n) => n.trim()).sort()).toEqual([
      "Almond Croissant",
      "Butter Croissant",
      "Pain au Chocolat",
      "Pain aux Raisins",
    ]);
    await e2e.screenshot(page, "catalog-search");
  });

  it("opens a product page with its photo, description and allergens", async () => {
    await page.getByRole("link", { name: "Almond Croissant" }).last().click();
    await expect.poll(() => page.url()).toContain("/products/almond-croissant");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Almond Croissant");
    const image = page.locator("article img");
    expect(await image.getAttribute("alt")).toBe("Almond Croissant");
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(
        0,
      );
    const allergens = await page.getByRole("list", { name: "Contains" }).textContent();
    expect(allergens).toContain("Tree nuts");
    await e2e.screenshot(page, "product");
  });

  it("shows a stock change live, without a reload", async () => {
    const product = await e2e.t.services.catalog.product("almond-croissant");
    const badge = page.locator(`.stock-${product!.id}`);
    await expect.poll(() => badge.textContent()).toBe("In stock");
    // The stream is open once the page has received its first frame.
    await expect.poll(() => e2e.t.live.size()).toBeGreaterThan(0);
    await e2e.t.services.catalog.setStock(product!.id, 3);
    await expect.poll(() => badge.textContent(), { timeout: 3000 }).toBe("Only 3 left");
    await e2e.t.services.catalog.setStock(product!.id, 0);
    await expect.poll(() => badge.textContent(), { timeout: 3000 }).toBe("Sold out");
    await e2e.screenshot(page, "product-sold-out");
  });

  it("works without JavaScript: the search form is a plain GET", async () => {
    const context = await e2e.browser.newContext({
      javaScriptEnabled: false,
      baseURL: e2e.baseUrl,
    });
    const plain = await e2e.newPage(context);
    await plain.goto("/");
    await plain.getByLabel("Search the bakery").fill("rye");
    await plain.getByRole("button", { name: "Search" }).click();
    await expect.poll(() => plain.url()).toContain("q=rye");
    expect(await plain.locator("#catalog-results .product-card").count()).toBe(1);
    await context.close();
  });

  it("logged no browser errors", () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
