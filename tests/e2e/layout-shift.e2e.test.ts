import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { createImageStore } from "../../src/admin/products/image-store.ts";
import { file } from "../image-fixtures.ts";
import { phonePhoto } from "../photo-fixture.ts";
import { type E2E, startE2E } from "./browser.ts";

/**
 * The catalog does not move while it loads (Cumulative Layout Shift, as the browser's
 * PerformanceObserver reports it), on a phone and on a wide screen, with photos arriving
 * late: every picture's box is known before its bytes are.
 */
describe("catalog layout in Chromium", () => {
  let e2e: E2E;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "crumb-e2e-cls-"));
    e2e = await startE2E({ config: { DATA_DIR: dataDir } });
    // Two products with real photos (variants and srcset), one on the first row.
    const store = createImageStore(dataDir);
    const photo = await phonePhoto({ width: 1600, height: 1200 });
    for (const slug of ["almond-croissant", "walnut-spelt-loaf"]) {
      const name = await store.save(file(photo, "photo.jpg", "image/jpeg"), "jpg");
      await e2e.t.sql`update products set image_path = ${"/uploads/" + name} where slug = ${slug}`;
    }
    await e2e.t.services.catalog.changed();
  });
  afterAll(async () => {
    await e2e?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function layoutShift(viewport: { width: number; height: number }) {
    const context = await e2e.browser.newContext({ baseURL: e2e.baseUrl, viewport });
    const page: Page = await e2e.newPage(context);
    // Every shift the page makes, from the first paint on (the observer is set up before
    // any of the page's own scripts run).
    await page.addInitScript(() => {
      const seen = globalThis as unknown as { layoutShift: number };
      seen.layoutShift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[]) {
          seen.layoutShift += entry.value;
        }
      }).observe({ type: "layout-shift", buffered: true });
    });
    // Pictures arrive after the page has been laid out, as on a slow phone connection.
    await page.route(/\/(uploads|static\/img)\//, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await page.goto("/");
    await page.waitForLoadState("load");
    // Scroll down a screen at a time, each time until the photos in sight have loaded, as a
    // shopper would: the lazy ones load on the way.
    const inSightLoaded = () =>
      page.evaluate(() =>
        [...document.querySelectorAll("#catalog-results img")].every((img) => {
          const box = img.getBoundingClientRect();
          const inSight = box.bottom > 0 && box.top < globalThis.innerHeight;
          return !inSight || (img as HTMLImageElement).complete;
        })
      );
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0; y <= height; y += viewport.height) {
      await page.evaluate((top) => globalThis.scrollTo(0, top), y);
      await expect.poll(inSightLoaded, { timeout: 15_000 }).toBe(true);
    }
    const shift = await page.evaluate(() =>
      (globalThis as unknown as { layoutShift: number }).layoutShift
    );
    const images = await page.locator("#catalog-results img").evaluateAll((imgs) =>
      imgs.map((img) => ({
        width: img.getAttribute("width"),
        height: img.getAttribute("height"),
        loading: img.getAttribute("loading"),
        srcset: img.getAttribute("srcset"),
        shown: (img as HTMLImageElement).currentSrc,
      }))
    );
    await e2e.screenshot(page, `catalog-${viewport.width}`);
    await context.close();
    return { shift, images };
  }

  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
    it(`does not move while it loads, ${viewport.width} px wide`, async () => {
      const { shift, images } = await layoutShift(viewport);
      expect(shift).toBeLessThan(0.01);
      expect(images).toHaveLength(24);
      for (const image of images) expect([image.width, image.height]).toEqual(["400", "300"]);
      // The first row loads at once; the rest when scrolled near.
      expect(images.slice(0, 4).every((i) => i.loading === null)).toBe(true);
      expect(images.slice(4).every((i) => i.loading === "lazy")).toBe(true);
      // The photos come in the width the screen needs.
      const photos = images.filter((i) => i.srcset);
      expect(photos).toHaveLength(2);
      for (const photo of photos) expect(photo.shown).toMatch(/-(320|640|1280)\.webp$/);
      expect(e2e.consoleErrors).toEqual([]);
    });
  }
});
