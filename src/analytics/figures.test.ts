import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { api, people, type Person } from "../../tests/orders-support.ts";
import { bruteForce, random, randomOrders } from "../../tests/analytics-support.ts";
import { addDays } from "../shop/hours.ts";
import { rebuildRollups } from "./rollups.ts";

/**
 * The figures against a brute-force computation over the raw orders, on random orders around
 * New York's spring-forward day (2030-03-10) and its midnights: a day is the shop's day.
 */
const ZONE = "America/New_York";
const FIRST = "2030-03-01";
const LAST = "2030-03-20";

let t: TestContext;
let admin: Person;

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { TIMEZONE: ZONE } });
  [admin] = await people(t, 1, "admin");
  const rng = random(20300310);
  await randomOrders(t, rng, {
    count: 220,
    customers: 25,
    start: new Date(`${FIRST}T00:00:00Z`),
    end: new Date(`${LAST}T12:00:00Z`),
  });
  await rebuildRollups(t.sql, ZONE);
});
afterAll(async () => await t?.close());

interface Analytics {
  revenueCents: number;
  orders: number;
  averageOrderCents: number;
  cancelledOrders: number;
  discountCents: number;
  byDay: { date: string; revenueCents: number; orders: number }[];
  byHour: { weekday: number; hour: number; orders: number }[];
  topProducts: { productId: number; quantity: number; revenueCents: number }[];
  customers: { new: number; returning: number };
  prepMinutes: { p50: number | null; p90: number | null };
  onTimeRate: number | null;
}

const figures = async (from: string, to: string) => {
  const res = await api(t, admin, "GET", `/admin/analytics?from=${from}&to=${to}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Analytics;
};

describe("sales figures", () => {
  it("equal a brute-force count over the raw orders for random ranges", async () => {
    const rng = random(7);
    const ranges = [[FIRST, LAST], ["2030-03-10", "2030-03-10"], ["2030-02-20", "2030-03-02"]];
    // Whole months inside the range (read from the month rows), alone and with ends.
    ranges.push(["2030-03-01", "2030-03-31"], ["2030-02-01", "2030-03-31"]);
    ranges.push(["2030-02-15", "2030-04-02"], ["2030-03-05", "2030-04-30"]);
    for (let i = 0; i < 8; i++) {
      const from = addDays(FIRST, rng.int(-2, 18));
      ranges.push([from, addDays(from, rng.int(0, 10))]);
    }
    for (const [from, to] of ranges) {
      const got = await figures(from, to);
      const want = await bruteForce(t, from, to, ZONE);
      const label = `${from}…${to}`;
      expect({
        revenueCents: got.revenueCents,
        orders: got.orders,
        averageOrderCents: got.averageOrderCents,
        cancelledOrders: got.cancelledOrders,
        discountCents: got.discountCents,
        customers: got.customers,
        prepMinutes: got.prepMinutes,
      }, label).toEqual({
        revenueCents: want.revenueCents,
        orders: want.orders,
        averageOrderCents: want.averageOrderCents,
        cancelledOrders: want.cancelledOrders,
        discountCents: want.discountCents,
        customers: want.customers,
        prepMinutes: want.prepMinutes,
      });
      expect(got.onTimeRate ?? -1, label).toBeCloseTo(want.onTimeRate ?? -1, 10);
      const days = Object.fromEntries(
        got.byDay.filter((d) => d.orders).map((d) => [d.date, {
          revenueCents: d.revenueCents,
          orders: d.orders,
        }]),
      );
      expect(days, label).toEqual(want.byDay);
      expect(got.byDay.length, label).toBe(
        (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1,
      );
      expect(Object.fromEntries(got.byHour.map((h) => [`${h.weekday}:${h.hour}`, h.orders])), label)
        .toEqual(want.byHour);
      for (const p of got.topProducts) {
        expect(want.products[p.productId], label).toEqual({
          quantity: p.quantity,
          revenueCents: p.revenueCents,
        });
      }
      expect(got.topProducts.length).toBe(Math.min(10, Object.keys(want.products).length));
    }
  });

  it("count a day of 23 hours (spring forward) and its hours as the shop's clock shows them", async () => {
    const got = await figures("2030-03-10", "2030-03-10");
    // 02:00–03:00 does not exist in New York that night: nothing is counted in it.
    expect(got.byHour.filter((h) => h.hour === 2)).toEqual([]);
    expect(got.byHour.every((h) => h.weekday === 0)).toBe(true);
  });

  it("refuses a reversed, over-long or malformed range with the field named", async () => {
    for (
      const [query, field] of [
        ["from=2030-03-10&to=2030-03-01", "to"],
        ["from=2029-01-01&to=2030-03-01", "to"],
        ["from=2030-02-30&to=2030-03-01", "from"],
        ["to=2030-03-01", "from"],
      ]
    ) {
      const res = await api(t, admin, "GET", `/admin/analytics?${query}`);
      expect(res.status, query).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe("validation_failed");
      expect(Object.keys(body.error.fields)).toContain(field);
    }
  });

  it("is refused to customers and staff, and to visitors", async () => {
    const [customer] = await people(t, 1, "customer");
    const [staff] = await people(t, 1, "staff");
    for (
      const path of [
        "/admin/analytics?from=2030-03-01&to=2030-03-02",
        "/admin/bake-plan/2030-03-02/suggestions",
      ]
    ) {
      for (const who of [customer, staff]) {
        expect((await api(t, who, "GET", path)).status, `${path} ${who.role}`).toBe(403);
      }
      expect((await t.app.request(`/api/v1${path}`)).status).toBe(401);
    }
  });
});
