import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { firstLoad, subresources } from "../../tests/first-load.ts";
import { get, signedIn } from "../../tests/dashboard-support.ts";

/**
 * A shopper's first visit on a phone: the catalog and a product page cost at most 30 KB on
 * the wire (HTML, CSS and JS), and a page loads only the scripts it uses.
 */

const BUDGET = 30 * 1024;

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
});
afterAll(() => t?.close());

const fetchApp = (url: string, init: RequestInit) => t.app.request(url, init);
const html = async (path: string) => await (await t.app.request(path)).text();

describe("first visit", () => {
  for (const path of ["/", "/products/butter-croissant"]) {
    it(`${path} costs at most 30 KB of HTML, CSS and JS, all compressed`, async () => {
      const load = await firstLoad(fetchApp, path);
      expect(load.total).toBeLessThanOrEqual(BUDGET);
      // Everything in brotli but files under 1 KB, where it would save next to nothing.
      for (const file of load.files) {
        expect(file.encoding ?? (file.bytes < 1024 ? "small" : null), file.url).toMatch(
          /^(br|small)$/,
        );
      }
      expect(load.files.map((f) => f.url.replace(/\?.*/, "")).toSorted()).toEqual([
        path,
        "/static/build/app.css",
        "/static/vendor/htmx.min.js",
        "/static/vendor/hx-sse.min.js",
        "/static/live.js",
      ].toSorted());
    });
  }
});

describe("scripts and styles per page", () => {
  it("no page loads Alpine", async () => {
    for (const path of ["/", "/products/butter-croissant", "/cart", "/signin"]) {
      expect((await html(path)).toLowerCase(), path).not.toContain("alpine");
    }
  });

  it("only live pages load the SSE extension", async () => {
    const sse = (page: string) => subresources(page).js.some((src) => src.includes("hx-sse"));
    expect(sse(await html("/"))).toBe(true);
    expect(sse(await html("/products/butter-croissant"))).toBe(true);
    expect(sse(await html("/cart"))).toBe(true);
    expect(sse(await html("/signin"))).toBe(false);
    expect(sse(await html("/signup"))).toBe(false);
  });

  it("of the admin screens, only the live dashboard loads it", async () => {
    const admin = await signedIn(t, "admin", "Ada Admin");
    const page = async (path: string) => (await get(t.app, path, admin)).html;
    const sse = (html: string) => subresources(html).js.some((src) => src.includes("hx-sse"));
    expect(sse(await page("/admin"))).toBe(true);
    expect(sse(await page("/admin/products"))).toBe(false);
    expect(subresources(await page("/admin/products")).css.map((u) => u.replace(/\?.*/, "")))
      .toEqual(["/static/build/app.css", "/static/build/staff.css"]);
    // Their styles and scripts come with a whole page: the links to them are not boosted (a
    // boosted page keeps the head it had).
    const shop = await page("/");
    expect(shop).toMatch(/<a href="\/board" class="nav-link" hx-boost="false">/);
    expect(shop).toMatch(/<a href="\/admin" class="nav-link" hx-boost="false">/);
  });

  it("shop pages leave out the staff screens' stylesheet; the pickup screen has it", async () => {
    expect(subresources(await html("/")).css.map((u) => u.replace(/\?.*/, ""))).toEqual([
      "/static/build/app.css",
    ]);
    expect(subresources(await html("/pickup")).css.map((u) => u.replace(/\?.*/, ""))).toEqual([
      "/static/build/app.css",
      "/static/build/staff.css",
    ]);
  });
});
