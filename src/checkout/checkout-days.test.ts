import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieBrowser } from "../../tests/cookie-browser.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { expectOrder, order, people } from "../../tests/orders-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";
import {
  at,
  bakeryAt,
  bakeryConfig,
  dailyProduct,
  FRIDAY,
  setSettings,
  SUNDAY,
} from "../../tests/bakery-support.ts";

/**
 * Checkout for a chosen day: the days with closed ones disabled and saying why, then the
 * day's slots, full ones disabled and saying so in words (not by colour).
 */

let base: TestContext;
let t: TestContext;
beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
});
afterAll(() => base?.close());

async function customer() {
  const [who] = await people(t, 1);
  const browser = new CookieBrowser(() => t.app);
  browser.cookies.set(ACCESS_COOKIE, who.token);
  return { browser, who };
}

/** The options of a select on the page: value, label and whether it is disabled. */
function options(html: string, name: string) {
  const select = html.match(new RegExp(`<select [^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`))
    ?.[1] ?? "";
  return [...select.matchAll(/<option value="([^"]*)"([^>]*)>([\s\S]*?)<\/option>/g)].map((m) => ({
    value: m[1],
    disabled: /\bdisabled\b/.test(m[2]),
    selected: /\bselected\b/.test(m[2]),
    label: m[3].replace(/\s+/g, " ").replaceAll("&#39;", "'").trim(),
  }));
}

describe("checkout for a chosen day", () => {
  it("shows Friday's full slot disabled and says it is fully booked", async () => {
    const bread = await dailyProduct(t, 50);
    await setSettings(t, { ordersPerSlot: 1 });
    try {
      const [other] = await people(t, 1);
      await expectOrder(
        await order(t, other, {
          items: [{ productId: bread.id, quantity: 1 }],
          pickupAt: at(FRIDAY, "10:00"),
        }),
      );
      const { browser } = await customer();
      await browser.post("/cart/items", { productId: String(bread.id), quantity: "1" });
      const { res, html } = await browser.get(`/checkout?date=${FRIDAY}`);
      expect(res.status).toBe(200);
      const slots = options(html, "slot");
      const full = slots.find((s) => s.value === at(FRIDAY, "10:00"));
      expect(full).toMatchObject({ disabled: true, label: "10:00 (fully booked)" });
      const free = slots.find((s) => s.value === at(FRIDAY, "10:15"));
      expect(free).toMatchObject({ disabled: false, label: "10:15" });
      expect(html).toContain("fully booked ones cannot be chosen");
    } finally {
      await setSettings(t, { ordersPerSlot: null });
    }
  });

  it("lists a closed Sunday as disabled with its reason, and keeps the day chosen in the shop", async () => {
    const bread = await dailyProduct(t, 50);
    const { browser } = await customer();
    await browser.post("/cart/items", { productId: String(bread.id), quantity: "1" });
    // The day chosen on the shop's pages is the checkout's day.
    expect((await browser.get(`/?date=${FRIDAY}`)).res.status).toBe(200);
    const { html } = await browser.get("/checkout");
    const days = options(html, "date");
    expect(days.find((d) => d.value === FRIDAY)).toMatchObject({ selected: true });
    expect(days.find((d) => d.value === SUNDAY)).toMatchObject({
      disabled: true,
      label: "Sun 20 Apr: Closed on Sundays",
    });
    // Asking for the closed day keeps Friday: it cannot be chosen.
    const asked = await browser.get(`/checkout?date=${SUNDAY}`);
    expect(options(asked.html, "date").find((d) => d.selected)?.value).toBe(FRIDAY);
  });
});
