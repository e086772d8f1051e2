import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { api, expectError, people, type Person } from "../../tests/orders-support.ts";
import {
  at,
  bakeryAt,
  bakeryConfig,
  dailyProduct,
  FRIDAY,
  madeToOrder,
  SATURDAY,
  shelfProduct,
  THURSDAY,
  TODAY,
} from "../../tests/bakery-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";

/** The cart API: the cart the pages use, each line checked against the chosen pickup date. */

let base: TestContext;
let t: TestContext;
let ann: Person;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
});
afterAll(() => base?.close());

const cartOf = async (who: Person, query = "") => {
  const res = await api(t, who, "GET", `/cart${query}`);
  expect(res.status).toBe(200);
  return await res.json();
};

describe("the cart over the API", () => {
  it("sets, lists and removes lines; a customer's cart is the one the pages show", async () => {
    [ann] = await people(t, 1);
    const jam = await shelfProduct(t, 9);
    expect(await cartOf(ann)).toEqual({
      date: TODAY,
      lines: [],
      count: 0,
      subtotalCents: 0,
      orderable: false,
    });
    const put = await api(t, ann, "PUT", `/cart/items/${jam.id}`, { quantity: 2 });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      date: TODAY,
      lines: [{
        productId: jam.id,
        name: jam.name,
        kind: "shelf",
        quantity: 2,
        unitPriceCents: jam.priceCents,
        lineCents: 2 * jam.priceCents,
        available: 9,
        short: 0,
        problem: null,
      }],
      count: 2,
      orderable: true,
    });
    // The same cart on the cart page.
    const page = await t.app.request("/cart", {
      headers: { Cookie: `${ACCESS_COOKIE}=${ann.token}` },
    });
    expect(await page.text()).toContain(jam.name);

    await api(t, ann, "PUT", `/cart/items/${jam.id}`, { quantity: 5 });
    expect((await cartOf(ann)).lines[0].quantity).toBe(5);
    const removed = await api(t, ann, "DELETE", `/cart/items/${jam.id}`);
    expect((await removed.json()).lines).toEqual([]);
    await expectError(await api(t, ann, "DELETE", `/cart/items/${jam.id}`), 404, "not_in_cart");
  });

  it("says what is short for the chosen day, and keeps the choice", async () => {
    const [bea] = await people(t, 1);
    const bread = await dailyProduct(t, 4);
    const cake = await madeToOrder(t, 48);
    await t.sql`
      insert into product_days (product_id, date, planned, ordered)
      values (${bread.id}, ${SATURDAY}, 4, 3)`;
    await api(t, bea, "PUT", `/cart/items/${bread.id}`, { quantity: 3 });
    await api(t, bea, "PUT", `/cart/items/${cake.id}`, { quantity: 1 });
    const today = await cartOf(bea);
    expect(today.orderable).toBe(false);
    expect(today.lines.find((l: { productId: number }) => l.productId === cake.id)).toMatchObject({
      available: null,
      short: 0,
      problem: `${cake.name} needs 48 hours' notice. Order by Wed 17:45 for Fri 18 Apr.`,
    });
    // Looking at Saturday does not choose it.
    const saturday = await cartOf(bea, `?date=${SATURDAY}`);
    expect(saturday.date).toBe(SATURDAY);
    expect(saturday.lines.find((l: { productId: number }) => l.productId === bread.id))
      .toMatchObject({
        available: 1,
        short: 2,
        problem: "Only 1 left for Sat 19 Apr.",
      });
    expect((await cartOf(bea)).date).toBe(TODAY);

    const chosen = await api(t, bea, "PUT", "/cart/date", { date: FRIDAY });
    expect(chosen.status).toBe(200);
    const friday = await chosen.json();
    expect(friday).toMatchObject({ date: FRIDAY, orderable: true });
    expect((await cartOf(bea)).date).toBe(FRIDAY);
    // The checkout page offers that day's slots.
    const checkout = await t.app.request("/checkout", {
      headers: { Cookie: `${ACCESS_COOKIE}=${bea.token}` },
    });
    const html = await checkout.text();
    expect(html).toContain(`<option value="${FRIDAY}" selected="">`);
    expect(html).toContain(`<option value="${at(FRIDAY, "07:00")}">`);
  });

  it("refuses bad input with field messages and changes nothing", async () => {
    const [cy] = await people(t, 1);
    const jam = await shelfProduct(t, 3);
    const cases: [string, string, unknown, number, string][] = [
      ["PUT", `/cart/items/${jam.id}`, { quantity: 0 }, 400, "quantity"],
      ["PUT", `/cart/items/${jam.id}`, { quantity: -2 }, 400, "quantity"],
      ["PUT", `/cart/items/${jam.id}`, { quantity: 1e9 }, 400, "quantity"],
      ["PUT", `/cart/items/${jam.id}`, { quantity: 4 }, 400, "quantity"],
      ["PUT", "/cart/items/abc", { quantity: 1 }, 400, "productId"],
      ["PUT", "/cart/date", { date: "21/04/2031" }, 400, "date"],
      ["PUT", "/cart/date", { date: "2031-04-15" }, 400, "date"],
      ["PUT", "/cart/date", { date: "2031-06-01" }, 400, "date"],
      ["GET", "/cart?date=someday", undefined, 400, "date"],
    ];
    for (const [method, path, body, status, field] of cases) {
      const res = await api(t, cy, method, path, body);
      const error = (await res.json()).error;
      expect(
        { status: res.status, field: error?.fields?.[field] !== undefined },
        `${method} ${path}`,
      )
        .toEqual({ status, field: true });
    }
    expect(await cartOf(cy)).toMatchObject({ date: TODAY, lines: [] });
    expect((await api(t, cy, "PUT", "/cart/items/999999", { quantity: 1 })).status).toBe(404);
    const anonymous = await t.app.request("/api/v1/cart");
    expect(anonymous.status).toBe(401);
  });

  it("orders the cart for the chosen day's slot", async () => {
    const [di] = await people(t, 1);
    const bread = await dailyProduct(t, 6);
    await api(t, di, "PUT", "/cart/date", { date: THURSDAY });
    await api(t, di, "PUT", `/cart/items/${bread.id}`, { quantity: 2 });
    const res = await api(t, di, "POST", "/orders", { pickupAt: at(THURSDAY, "08:30") });
    expect(res.status).toBe(201);
    expect((await cartOf(di)).lines).toEqual([]);
  });
});
