import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { order, person, productsWithStock } from "../../tests/orders-support.ts";
import { type SignedIn, signedIn, textOf } from "../../tests/admin-people.ts";
import { CookieBrowser } from "../../tests/cookie-browser.ts";
import { ACCESS_COOKIE, REFRESH_COOKIE } from "../accounts/middleware.ts";
import { findUserById } from "../accounts/queries.ts";
import { createShopFormat } from "./format.ts";

/**
 * One vocabulary: the same status words on the board, the admin and the customer's page, and
 * the 24-hour clock everywhere, even in a locale that prefers 12 hours.
 */

describe("the shop's format", () => {
  it("writes 24-hour times in en-US too, and dates with their year where asked", () => {
    const format = createShopFormat({ currency: "USD", locale: "en-US", timeZone: "UTC" });
    const at = new Date("2026-12-03T13:05:00Z");
    expect(format.time(at)).toBe("13:05");
    expect(format.dateTime(at)).toBe("Thu, Dec 3, 13:05");
    expect(format.datedDay(at)).toBe("Thu, Dec 3, 2026");
    expect(format.time(new Date("2026-12-03T00:30:00Z"))).toBe("00:30");
  });
});

describe("one set of status words", () => {
  let t: TestContext;
  let admin: SignedIn;
  let staff: SignedIn;
  beforeAll(async () => {
    t = await createTestContext({
      seed: true,
      // Open all day: the order is for today whatever the hour the suite runs.
      config: { LOCALE: "en-US", OPENING_HOURS: "mon-sun 00:00-23:45" },
    });
    admin = await signedIn(t, "admin", "Ada Admin");
    staff = await signedIn(t, "staff", "Kim Kitchen");
  });
  afterAll(() => t?.close());

  it("calls a baking order Baking on the board, in the admin and on the customer's page", async () => {
    const [product] = await productsWithStock(t, [50]);
    const customer = await person(t);
    const res = await order(t, customer, { items: [{ productId: product.id, quantity: 1 }] });
    expect(res.status).toBe(201);
    const placed = (await res.json()) as { id: number; code: string };
    await t.services.orders.changeStatus(placed.id, "baking", { id: staff.id, role: "staff" });

    const row = (await admin.browser.get(`/admin/orders?q=${placed.code}`)).html;
    expect(textOf(row)).toContain("Baking");
    const detail = textOf((await admin.browser.get(`/admin/orders/${placed.id}`)).html);
    expect(detail).toContain("Baking");
    expect(detail).not.toMatch(/Being prepared|Received/);

    const board = (await staff.browser.get("/board")).html;
    expect(board).toContain(`Order ${placed.code}, Baking`);

    const customerRow = (await findUserById(t.sql, customer.id))!;
    const tokens = await t.services.accounts.sessions.startSession(
      customerRow,
      { ip: "192.0.2.30", userAgent: "vocabulary.test" },
      "web",
    );
    const browser = new CookieBrowser(() => t.app);
    browser.cookies.set(ACCESS_COOKIE, tokens.accessToken);
    browser.cookies.set(REFRESH_COOKIE, tokens.refreshToken);
    const own = textOf((await browser.get(`/orders/${placed.id}`)).html);
    expect(own).toContain("Baking");
    expect(own).not.toMatch(/Being prepared/);

    // The en-US shop still writes 24-hour times on its admin pages.
    for (const page of [row, (await admin.browser.get(`/admin/orders/${placed.id}`)).html]) {
      expect(textOf(page)).not.toMatch(/\b\d{1,2}:\d{2}\s?[AP]M\b/);
    }
  });
});
