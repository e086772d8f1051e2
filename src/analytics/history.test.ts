import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { api, people, type Person } from "../../tests/orders-support.ts";
import { bruteForce } from "../../tests/analytics-support.ts";
import { seedDemoCoupons } from "../coupons/demo.ts";
import { addDays, localParts } from "../shop/hours.ts";
import { seedHistory } from "./history.ts";
import { rebuildRollups } from "./rollups.ts";

/**
 * The demo bakery's past as `seed:history` writes it: a believable fortnight (orders a day,
 * the week's rhythm, cancellations, coupons, regulars, plans and leftovers), every order
 * whole (lines, totals, status steps in order), figures equal to the raw orders and to a
 * rebuild, and a second run that adds nothing.
 */
const NOW = new Date("2030-06-15T12:00:00Z");
const FIRST = "2030-06-01";
const LAST = "2030-06-14";

let t: TestContext;
let admin: Person;
let timeZone: string;
let written: { days: number; orders: number };

beforeAll(async () => {
  t = await createTestContext({ seed: "bakery" });
  await seedDemoCoupons(t.sql);
  [admin] = await people(t, 1, "admin");
  timeZone = t.deps.config.timeZone;
  written = await seedHistory(t.sql, {
    days: 14,
    timeZone,
    currency: t.deps.config.currency,
    now: NOW,
    daysPerWrite: 5,
  });
}, 60_000);
afterAll(async () => await t?.close());

const figures = async () => {
  const res = await api(t, admin, "GET", `/admin/analytics?from=${FIRST}&to=${LAST}`);
  expect(res.status).toBe(200);
  return await res.json();
};

describe("seed:history", () => {
  it("writes every day up to yesterday, 150 to 400 orders each, busier on Saturdays", async () => {
    expect(written.days).toBe(14);
    const days = await t.sql<{ day: string; weekday: number; placed: number }[]>`
      select (placed_at at time zone ${timeZone})::date::text as day,
        extract(dow from (placed_at at time zone ${timeZone}))::int as weekday,
        count(*)::int as placed
      from orders group by 1, 2 order by 1`;
    expect(days.map((d) => d.day)).toEqual(
      Array.from({ length: 14 }, (_, i) => addDays(FIRST, i)),
    );
    expect(days.reduce((n, d) => n + d.placed, 0)).toBe(written.orders);
    for (const d of days) {
      expect(d.placed).toBeGreaterThanOrEqual(140); // a few drafts find their bread sold out
      expect(d.placed).toBeLessThanOrEqual(400);
    }
    const average = (weekday: number) => {
      const of = days.filter((d) => d.weekday === weekday);
      return of.reduce((n, d) => n + d.placed, 0) / of.length;
    };
    expect(average(6)).toBeGreaterThan(average(1) * 1.3);
  });

  it("writes whole orders: lines summing to the subtotal, discounts, steps in order", async () => {
    const [broken] = await t.sql<{ count: number }[]>`
      select count(*)::int from orders o
      where o.total_cents <> o.subtotal_cents - o.discount_cents
        or o.subtotal_cents <> (select sum(quantity * unit_price_cents) from order_items i
                                where i.order_id = o.id)
        or o.currency <> ${t.deps.config.currency}`;
    expect(broken.count).toBe(0);
    // Each order's steps, by id, walk from placed to its status, one instant after another.
    const walks = await t.sql<{ status: string; walk: string; ordered: boolean }[]>`
      select o.status, string_agg(h.to_status, '>' order by h.id) as walk,
        bool_and(h.at >= h.previous_at or h.previous_at is null) as ordered
      from orders o
      join (select *, lag(at) over (partition by order_id order by id) as previous_at
            from order_status_history) h on h.order_id = o.id
      group by o.id, o.status`;
    const shapes = new Set(walks.map((w) => `${w.status}: ${w.walk}`));
    const collected = "picked_up: placed>baking>ready>picked_up";
    const cancelled = "cancelled: placed>baking>cancelled";
    const neverCollected = "ready: placed>baking>ready";
    expect(shapes.has(collected) && shapes.has(cancelled)).toBe(true);
    for (const shape of shapes) expect([collected, cancelled, neverCollected]).toContain(shape);
    expect(walks.every((w) => w.ordered)).toBe(true);
    expect(walks.length).toBe(written.orders);
  });

  it("has cancellations, coupons redeemed once each, regulars and leftovers", async () => {
    const [o] = await t.sql<
      { cancelled: number; coupons: number; redeemed: number; regulars: number }[]
    >`
      select count(*) filter (where status = 'cancelled')::int as cancelled,
        count(*) filter (where coupon_id is not null and status <> 'cancelled')::int as coupons,
        (select count(*) from coupon_redemptions)::int as redeemed,
        (select count(*) from (select user_id from orders where status = 'picked_up'
          group by user_id having count(*) >= 3) r)::int as regulars
      from orders`;
    expect(o.cancelled / written.orders).toBeGreaterThan(0.01);
    expect(o.cancelled / written.orders).toBeLessThan(0.1);
    expect(o.coupons).toBeGreaterThan(0);
    expect(o.redeemed).toBe(o.coupons);
    expect(o.regulars).toBeGreaterThan(10);
    const [plans] = await t.sql<{ days: number; soldOut: number; leftovers: number }[]>`
      select count(distinct d.date)::int as days, count(d.sold_out_at)::int as sold_out,
        count(*) filter (where d.remaining > 0)::int as leftovers
      from product_days d join products p on p.id = d.product_id
      where p.kind = 'daily' and d.date between ${FIRST} and ${LAST}`;
    expect(plans.days).toBe(14);
    expect(plans.soldOut).toBeGreaterThan(0);
    expect(plans.leftovers).toBeGreaterThan(0);
  });

  it("leaves figures equal to the raw orders, and to a rebuild", async () => {
    const seeded = await figures();
    const brute = await bruteForce(t, FIRST, LAST, timeZone);
    expect(seeded.revenueCents).toBe(brute.revenueCents);
    expect(seeded.orders).toBe(brute.orders);
    expect(seeded.cancelledOrders).toBe(brute.cancelledOrders);
    expect(seeded.discountCents).toBe(brute.discountCents);
    expect(seeded.customers).toEqual(brute.customers);
    expect(seeded.prepMinutes).toEqual(brute.prepMinutes);
    await rebuildRollups(t.sql, timeZone);
    expect(await figures()).toEqual(seeded);
  });

  it("adds nothing when run again over the same days", async () => {
    const again = await seedHistory(t.sql, {
      days: 14,
      timeZone,
      currency: t.deps.config.currency,
      now: NOW,
    });
    expect(again).toEqual({ days: 0, orders: 0 });
    const [n] = await t.sql<{ count: number }[]>`select count(*)::int from orders`;
    expect(n.count).toBe(written.orders);
    expect(localParts(NOW, timeZone).date > LAST).toBe(true);
  });
});
