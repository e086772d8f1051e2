import type { Sql, Tx } from "../infra/db.ts";
import { addDays, instantAt, localParts } from "../shop/hours.ts";

/**
 * The sales rollups: figures per shop day, recomputed from the orders of those days. The
 * worker recomputes the days an order event touches (the day it was placed and its pickup
 * day); a rebuild recomputes every day with the same statements. A day's figures depend
 * only on its orders, so a repeated or redelivered event writes the same rows again.
 */

/** The advisory lock class of rollup days: one recompute of a day at a time. */
const LOCK_CLASS = 120_812;
/** Days recomputed per transaction by a rebuild. */
const REBUILD_CHUNK_DAYS = 31;

export const ROLLUP_TABLES = [
  "sales_days",
  "sales_day_hours",
  "sales_day_products",
  "sales_day_prep",
  "sales_day_customers",
] as const;

const dayNumber = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

/** The shop days an order's figures live on: placed and pickup. */
export async function orderDays(tx: Tx, orderId: number, timeZone: string): Promise<string[]> {
  const [row] = await tx<{ placedAt: Date; pickupAt: Date }[]>`
    select placed_at, pickup_at from orders where id = ${orderId}`;
  if (!row) return [];
  const days = new Set([
    localParts(row.placedAt, timeZone).date,
    localParts(row.pickupAt, timeZone).date,
  ]);
  return [...days].sort();
}

/** Recomputes the rollups of an order's days, in the caller's transaction. */
export async function refreshOrderRollups(tx: Tx, orderId: number, timeZone: string) {
  for (const day of await orderDays(tx, orderId, timeZone)) {
    await recomputeDays(tx, day, day, timeZone);
  }
}

/**
 * Recomputes the rollups of the shop days `from`…`to` (inclusive) from the orders. Days are
 * locked in date order first, so two workers recomputing the same day take turns and the
 * second reads what the first committed.
 */
export async function recomputeDays(tx: Tx, from: string, to: string, timeZone: string) {
  for (let day = from; day <= to; day = addDays(day, 1)) {
    await tx`select pg_advisory_xact_lock(${LOCK_CLASS}, ${dayNumber(day)})`;
  }
  const start = instantAt(from, 0, timeZone);
  const end = instantAt(addDays(to, 1), 0, timeZone);
  const tz = timeZone;
  for (const table of ROLLUP_TABLES) {
    await tx`delete from ${tx(table)} where date between ${from} and ${to}`;
  }

  // The orders of the days with what each contributes: its day, whether it is a sale, when
  // it was first ready.
  const placedIn = tx`
    select o.*, (o.placed_at at time zone ${tz})::date as day, o.status <> 'cancelled' as sale,
      (select min(h.at) from order_status_history h
       where h.order_id = o.id and h.to_status = 'ready') as ready_at
    from orders o
    where o.placed_at >= ${start} and o.placed_at < ${end}`;

  await tx`
    insert into sales_days (date, placed, cancelled, orders, revenue_cents, discount_cents,
      items, coupon_orders, coupon_revenue_cents, ready_orders, ready_on_time)
    select o.day, count(*), count(*) filter (where not o.sale),
      count(*) filter (where o.sale),
      coalesce(sum(o.total_cents) filter (where o.sale), 0),
      coalesce(sum(o.discount_cents) filter (where o.sale), 0),
      coalesce(sum((select sum(i.quantity) from order_items i where i.order_id = o.id))
        filter (where o.sale), 0),
      count(*) filter (where o.sale and o.coupon_id is not null),
      coalesce(sum(o.total_cents) filter (where o.sale and o.coupon_id is not null), 0),
      count(*) filter (where o.sale and o.ready_at is not null),
      count(*) filter (where o.sale and o.ready_at <= o.pickup_at)
    from (${placedIn}) o
    group by o.day`;

  await tx`
    insert into sales_day_hours (date, hour, placed, pickups)
    select day, hour, sum(placed), sum(pickups) from (
      select (o.placed_at at time zone ${tz})::date as day,
        extract(hour from o.placed_at at time zone ${tz})::int as hour, 1 as placed, 0 as pickups
      from orders o
      where o.placed_at >= ${start} and o.placed_at < ${end} and o.status <> 'cancelled'
      union all
      select (o.pickup_at at time zone ${tz})::date,
        extract(hour from o.pickup_at at time zone ${tz})::int, 0, 1
      from orders o
      where o.pickup_at >= ${start} and o.pickup_at < ${end} and o.status <> 'cancelled'
    ) h
    group by day, hour`;

  await tx`
    insert into sales_day_products (date, product_id, units, revenue_cents, orders)
    select o.day, i.product_id, sum(i.quantity), sum(i.quantity * i.unit_price_cents),
      count(*)
    from (${placedIn}) o join order_items i on i.order_id = o.id
    where o.sale
    group by o.day, i.product_id`;

  await tx`
    insert into sales_day_prep (date, minutes, orders)
    select o.day,
      least(1440, greatest(0, floor(extract(epoch from o.ready_at - o.placed_at) / 60)))::int
        as minutes,
      count(*)
    from (${placedIn}) o
    where o.sale and o.ready_at is not null
    group by 1, 2`;

  await tx`
    insert into sales_day_customers (date, user_id, placed, orders, revenue_cents, picked_up,
      first_order)
    select o.day, o.user_id, count(*), count(*) filter (where o.sale),
      coalesce(sum(o.total_cents) filter (where o.sale), 0),
      count(*) filter (where o.status = 'picked_up'),
      bool_or(not exists (
        select 1 from orders e
        where e.user_id = o.user_id and (e.placed_at, e.id) < (o.placed_at, o.id)))
    from (${placedIn}) o
    group by o.day, o.user_id`;
}

/** The first and last shop day any order lives on (null when there are none). */
async function orderSpan(sql: Sql, timeZone: string) {
  const [row] = await sql<{ first: string | null; last: string | null }[]>`
    select (least(min(placed_at), min(pickup_at)) at time zone ${timeZone})::date::text as first,
      (greatest(max(placed_at), max(pickup_at)) at time zone ${timeZone})::date::text as last
    from orders`;
  if (!row?.first || !row.last) return null;
  return { first: row.first, last: row.last };
}

/**
 * Recomputes every day's rollups from the orders (a month per transaction, so the shop keeps
 * taking orders meanwhile) and records the zone they were cut in.
 */
export async function rebuildRollups(sql: Sql, timeZone: string): Promise<{ days: number }> {
  const span = await orderSpan(sql, timeZone);
  let days = 0;
  if (span) {
    await sql.begin(async (tx) => {
      // Days no order lives on any more (a zone change moves them) keep nothing.
      for (const table of ROLLUP_TABLES) {
        await tx`delete from ${tx(table)} where date < ${span.first} or date > ${span.last}`;
      }
    });
    for (let from = span.first; from <= span.last; from = addDays(from, REBUILD_CHUNK_DAYS)) {
      const to = [addDays(from, REBUILD_CHUNK_DAYS - 1), span.last].sort()[0];
      await sql.begin((tx) => recomputeDays(tx, from, to, timeZone));
      days += dayNumber(to) - dayNumber(from) + 1;
    }
  }
  await sql`update analytics_state set time_zone = ${timeZone}, built_at = now()`;
  return { days };
}

/** Whether the rollups were never built, or were cut in another zone than the shop's now. */
export async function rollupsNeedBuilding(sql: Sql, timeZone: string): Promise<boolean> {
  const [state] = await sql<{ timeZone: string | null; builtAt: Date | null }[]>`
    select time_zone, built_at from analytics_state`;
  return !state?.builtAt || state.timeZone !== timeZone;
}
