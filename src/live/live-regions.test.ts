import { statusLabels } from "../orders/status.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserOn } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { people, person } from "../../tests/orders-support.ts";
import { sseClient } from "../../tests/sse-client.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";

/**
 * Live regions stay in the page while live updates fill them (a region replaced with each
 * update may never be announced), and every page has a main landmark.
 */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
});
afterAll(() => t?.close());

const Browser = browserOn(() => t.app);

describe("live regions", () => {
  it("keeps the catalog's result count outside the results htmx replaces, filled out of band", async () => {
    const page = await (await t.app.request("/?q=rye")).text();
    const count = page.indexOf('<p id="result-count"');
    const results = page.indexOf('<section id="catalog-results"');
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(results);
    expect(page).toMatch(/<p id="result-count" class="[^"]*" role="status">\d+ products? matching/);
    expect(page.slice(results)).not.toContain("aria-live");

    const fragment = await (await t.app.request("/?free-from=gluten", {
      headers: { "HX-Request": "true", "HX-Target": "section#catalog-results" },
    })).text();
    expect(fragment.startsWith('<section id="catalog-results"')).toBe(true);
    expect(fragment).toMatch(
      /<p id="result-count" class="[^"]*" role="status" hx-swap-oob="innerHTML">\d+ products, free from gluten<\/p>/,
    );
  });

  it("tells an order's status through a region the live updates fill, not replace", async () => {
    const [who] = await people(t, 1);
    const staff = await person(t, "staff");
    const [rye] = await t.sql<{ id: number }[]>`
      update products set stock = 20 where slug = 'seeded-rye' returning id`;
    const { order } = await t.services.orders.place({
      userId: who.id,
      items: [{ productId: rye.id, quantity: 1 }],
    });
    const browser = new Browser();
    browser.cookies.set(ACCESS_COOKIE, who.token);
    const { html } = await browser.get(`/orders/${order.id}`);
    expect(html).toContain(
      `<p id="order-status-news-${order.id}" class="sr-only" role="status"></p>`,
    );
    expect(html).not.toMatch(/<section id="order-status-\d+"[^>]*aria-live/);

    const controller = new AbortController();
    const res = await browser.open(`/orders/${order.id}/events`, {}, controller.signal);
    const client = sseClient(res);
    try {
      expect((await client.next())?.retry).toBeDefined();
      await client.next();
      await t.services.orders.changeStatus(order.id, "baking", staff);
      const frame = await client.next();
      expect(frame?.data).toContain(
        `<p id="order-status-news-${order.id}" class="sr-only" role="status" hx-swap-oob="innerHTML">Order status: ${statusLabels.baking}</p>`,
      );
    } finally {
      controller.abort();
    }
  });

  it("has a polite region for stock news on the pages that show live stock", async () => {
    for (const path of ["/", "/products/seeded-rye", "/cart"]) {
      const html = await (await t.app.request(path)).text();
      expect(html, path).toContain(
        '<p id="stock-news" class="sr-only" role="status" aria-live="polite"></p>',
      );
    }
  });
});

describe("landmarks", () => {
  it("gives every page one main landmark, the pickup screen too", async () => {
    for (const path of ["/", "/pickup", "/signin", "/cart", "/no-such-page"]) {
      const html = await (await t.app.request(path)).text();
      expect(html.match(/<main[\s>]/g), path).toHaveLength(1);
    }
  });
});
