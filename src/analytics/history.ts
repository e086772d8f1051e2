import { hashPassword } from "../accounts/passwords.ts";
import type { Sql } from "../infra/db.ts";
import type { Logger } from "../infra/log.ts";
import { addDays, localParts } from "../shop/hours.ts";
import { historyDay, type HistoryOrder, type HistoryPlan, seededRng } from "./history-plan.ts";
import { rebuildRollups } from "./rollups.ts";

/**
 * Writes a believable past into the demo bakery: `days` days up to yesterday, skipping days
 * that already have orders (so it can run again, or after the first start's 90 days, and
 * never counts a day twice). Orders, their lines and status history, coupon redemptions,
 * plans with walk-in sales and leftovers, and product views; then the rollups are rebuilt.
 */

const HISTORY_CUSTOMERS = 1200;
const DAYS_PER_WRITE = 10;
const DEFAULT_HOURS = { opens: 7 * 60, closes: 18 * 60 };

const firstNames = ["Ada", "Ben", "Cleo", "Dev", "Ella", "Finn", "Greta", "Hugo", "Ines", "Jon"];
const lastNames = ["Baker", "Miller", "Rye", "Crumb", "Sourdough", "Brioche", "Oat", "Spelt"];

async function historyCustomers(sql: Sql): Promise<number[]> {
  const hash = await hashPassword(crypto.randomUUID());
  const n = Array.from({ length: HISTORY_CUSTOMERS }, (_, i) => i + 1);
  await sql`
    insert into users (email, name, password_hash, role)
    select 'customer' || n || '@history.crumb.example',
      (${firstNames}::text[])[1 + n % 10] || ' ' || (${lastNames}::text[])[1 + (n / 10) % 8],
      ${hash}, 'customer'
    from unnest(${n}::int[]) n
    on conflict do nothing`;
  const rows = await sql<{ id: number }[]>`
    select id from users where email like '%@history.crumb.example' order by id`;
  return rows.map((r) => r.id);
}

/** Local days from `first` to `last` that have no order placed yet. */
async function emptyDays(sql: Sql, first: string, last: string, timeZone: string) {
  const taken = await sql<{ day: string }[]>`
    select distinct (placed_at at time zone ${timeZone})::date::text as day from orders
    where placed_at >= ${first}::date - 1 and placed_at < ${last}::date + 2`;
  const busy = new Set(taken.map((t) => t.day));
  const days: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) if (!busy.has(d)) days.push(d);
  return days;
}

export async function seedHistory(
  sql: Sql,
  { days, timeZone, now, log, seed = 2024, daysPerWrite = DAYS_PER_WRITE, ordersPerDay }: {
    days: number;
    /** A fixed number of orders every day (benchmarks), instead of the weekly rhythm. */
    ordersPerDay?: number;
    /** Fewer days per transaction keep each statement short while the shop serves. */
    daysPerWrite?: number;
    timeZone: string;
    now: Date;
    log?: Logger;
    seed?: number;
  },
): Promise<{ days: number; orders: number }> {
  const today = localParts(now, timeZone).date;
  const todo = await emptyDays(sql, addDays(today, -days), addDays(today, -1), timeZone);
  if (!todo.length) return { days: 0, orders: 0 };
  const products = await sql<
    { id: number; name: string; priceCents: number; kind: "daily" | "made_to_order" | "shelf" }[]
  >`select id, name, price_cents, kind from products where active order by id`;
  if (!products.length) throw new Error("There are no products to sell: seed the catalog first.");
  const customers = await historyCustomers(sql);
  const hours = new Map(
    (await sql<{ weekday: number; opens: number; closes: number }[]>`
      select weekday, opens, closes from opening_hours`).map((h) => [h.weekday, h]),
  );
  const couponIds = new Map(
    (await sql<{ code: string; id: number }[]>`
      select upper(code) as code, id from coupons
      where upper(code) in ('WELCOME10', 'REGULAR5')`).map((c) => [c.code, c.id]),
  );
  const rng = seededRng(seed);
  const regulars = new Set<number>();
  const known = new Set<number>();
  const collected = new Map<number, number>();
  let orders = 0;
  for (let i = 0; i < todo.length; i += daysPerWrite) {
    const batch = todo.slice(i, i + daysPerWrite).map((date) => {
      const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
      const day = historyDay({
        date,
        timeZone,
        hours: hours.get(weekday) ?? DEFAULT_HOURS,
        products,
        customers,
        regulars,
        known,
        orders: ordersPerDay,
      }, rng);
      for (const o of day.orders) {
        if (o.status !== "picked_up") continue;
        const n = (collected.get(o.userId) ?? 0) + 1;
        collected.set(o.userId, n);
        if (n >= 3) regulars.add(o.userId);
      }
      return { date, ...day };
    });
    await sql.begin((tx) => writeDays(tx as unknown as Sql, batch, couponIds, timeZone));
    orders += batch.reduce((n, d) => n + d.orders.length, 0);
    log?.info("history written", { through: batch.at(-1)!.date, orders });
  }
  await rebuildRollups(sql, timeZone, { daysPerChunk: Math.max(daysPerWrite, 7) });
  return { days: todo.length, orders };
}

async function writeDays(
  sql: Sql,
  days: { date: string; orders: HistoryOrder[]; plans: HistoryPlan[] }[],
  couponIds: Map<string, number>,
  timeZone: string,
) {
  const all = days.flatMap((d) => d.orders.map((o) => ({ ...o, date: d.date })));
  const couponOf = (o: HistoryOrder) =>
    o.coupon ? couponIds.get(o.coupon === "welcome" ? "WELCOME10" : "REGULAR5") ?? null : null;
  const discountOf = (o: HistoryOrder) => (couponOf(o) ? o.discountCents : 0);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const ids = await sql<{ id: number; codeDay: string; code: string }[]>`
    insert into orders (code, code_day, user_id, status, pickup_at, subtotal_cents,
      discount_cents, total_cents, currency, coupon_id, coupon_code, cancel_reason, placed_at,
      status_changed_at, updated_at, pickup_date, pickup_slot)
    select code, day, user_id, status, pickup_at, subtotal, discount, subtotal - discount,
      (select coalesce(max(currency), 'EUR') from orders), coupon_id,
      (select code from coupons c where c.id = coupon_id),
      case when status = 'cancelled' then 'Plans changed' end, placed_at,
      coalesce(ended_at, ready_at), coalesce(ended_at, ready_at),
      (pickup_at at time zone ${timeZone})::date, pickup_at
    from unnest(${all.map((o) => o.code)}::text[], ${all.map((o) => o.date)}::date[],
      ${all.map((o) => o.userId)}::int[], ${all.map((o) => o.status)}::text[],
      ${all.map((o) => iso(o.pickupAt))}::timestamptz[], ${all.map((o) => o.subtotalCents)}::int[],
      ${all.map(discountOf)}::int[], ${all.map(couponOf)}::int[],
      ${all.map((o) => iso(o.placedAt))}::timestamptz[],
      ${all.map((o) => iso(o.readyAt ?? o.bakingAt))}::timestamptz[],
      ${all.map((o) => iso(o.endedAt))}::timestamptz[])
      as t(code, day, user_id, status, pickup_at, subtotal, discount, coupon_id, placed_at,
        ready_at, ended_at)
    returning id, code_day::text as code_day, code`;
  const idOf = new Map(ids.map((r) => [`${r.codeDay} ${r.code}`, r.id]));
  const withId = all.map((o) => ({ ...o, id: idOf.get(`${o.date} ${o.code}`)! }));
  const lines = withId.flatMap((o) => o.lines.map((l) => ({ ...l, orderId: o.id })));
  await sql`
    insert into order_items (order_id, product_id, name, unit_price_cents, quantity, source)
    select * from unnest(${lines.map((l) => l.orderId)}::int[],
      ${lines.map((l) => l.productId)}::int[], ${lines.map((l) => l.name)}::text[],
      ${lines.map((l) => l.priceCents)}::int[], ${lines.map((l) => l.quantity)}::int[],
      ${lines.map((l) => l.source)}::text[])`;
  const steps = withId.flatMap((o) => {
    const rows: [number, string | null, string, Date][] = [
      [o.id, null, "placed", o.placedAt],
      [o.id, "placed", "baking", o.bakingAt],
    ];
    if (o.readyAt) rows.push([o.id, "baking", "ready", o.readyAt]);
    if (o.endedAt) rows.push([o.id, o.readyAt ? "ready" : "baking", o.status, o.endedAt]);
    return rows;
  });
  await sql`
    insert into order_status_history (order_id, from_status, to_status, at, announced_at)
    select id, from_status, to_status, at, at
    from unnest(${steps.map((s) => s[0])}::int[], ${steps.map((s) => s[1])}::text[],
      ${steps.map((s) => s[2])}::text[], ${steps.map((s) => s[3].toISOString())}::timestamptz[])
      as t(id, from_status, to_status, at)`;
  const redeemed = withId.filter((o) => couponOf(o) && o.status !== "cancelled");
  await sql`
    insert into coupon_redemptions (coupon_id, order_id, user_id, redeemed_at)
    select * from unnest(${redeemed.map(couponOf)}::int[], ${redeemed.map((o) => o.id)}::int[],
      ${redeemed.map((o) => o.userId)}::int[],
      ${redeemed.map((o) => o.placedAt.toISOString())}::timestamptz[])`;
  await sql`
    update coupons c set redeemed_count = redeemed_count + r.n
    from (select coupon_id, count(*)::int as n
          from unnest(${redeemed.map(couponOf)}::int[]) coupon_id group by coupon_id) r
    where c.id = r.coupon_id and c.max_redemptions is null`;
  await sql`
    insert into order_code_counters (day, last)
    select day, max(n) from unnest(${days.map((d) => d.date)}::date[],
      ${days.map((d) => d.orders.length + 1000)}::int[]) as t(day, n)
    group by day
    on conflict (day) do update set last = greatest(order_code_counters.last, excluded.last)`;
  const plans = days.flatMap((d) => d.plans.map((p) => ({ ...p, date: d.date })));
  await sql`
    insert into product_days (product_id, date, planned, follows_par, ordered, counter,
      sold_out_at)
    select product_id, date, planned, false, ordered, counter, sold_out_at
    from unnest(${plans.map((p) => p.productId)}::int[], ${plans.map((p) => p.date)}::date[],
      ${plans.map((p) => p.planned)}::int[], ${plans.map((p) => p.ordered)}::int[],
      ${plans.map((p) => p.counter)}::int[],
      ${plans.map((p) => iso(p.soldOutAt))}::timestamptz[])
      as t(product_id, date, planned, ordered, counter, sold_out_at)
    on conflict (product_id, date) do nothing`;
  // Views: a few looks for every unit sold.
  await sql`
    insert into product_views_daily (product_id, day, views)
    select i.product_id, (o.placed_at at time zone ${timeZone})::date,
      (sum(i.quantity) * (2 + random() * 3))::int
    from order_items i join orders o on o.id = i.order_id
    where o.id = any(${withId.map((o) => o.id)}::int[])
    group by 1, 2
    on conflict (product_id, day) do update set views = product_views_daily.views + excluded.views`;
}
