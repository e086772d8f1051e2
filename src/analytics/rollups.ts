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

/** The rollups cut per day. */
const DAY_TABLES = [
  "sales_days",
  "sales_day_hours",
  "sales_day_products",
  "sales_day_prep",
  "sales_day_customers",
] as const;

/** Every rollup (sales_customers sums them per customer). */
export const ROLLUP_TABLES = [...DAY_TABLES, "sales_month_customers"] as const;

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
export async function recomputeDays(
  tx: Tx,
  from: string,
  to: string,
  timeZone: string,
  { customers = true }: {
    /** Sum the days' customers' collected orders again (a rebuild does it once at its end). */
    customers?: boolean;
  } = {},
) {
  for (let day = from; day <= to; day = addDays(day, 1)) {
    await tx`select pg_advisory_xact_lock(${LOCK_CLASS}, ${dayNumber(day)})`;
  }
  const start = instantAt(from, 0, timeZone);
  const end = instantAt(addDays(to, 1), 0, timeZone);
  const tz = timeZone;
  for (const table of DAY_TABLES) {
    await tx`delete from ${tx(table)} where date between ${from} and ${to}`;
  }

  // One statement: the orders of the days are read once, with what each contributes (its
  // day, whether it is a sale, its items, when it was first ready, whether it is its
  // customer's first order), and every rollup is written from them.
  await tx`
    with placed as materialized (
      select o.id, o.user_id, o.status, o.placed_at, o.pickup_at, o.total_cents,
        o.discount_cents, o.coupon_id, (o.placed_at at time zone ${tz})::date as day,
        o.status <> 'cancelled' as sale
      from orders o
      where o.placed_at >= ${start} and o.placed_at < ${end}
    ), firsts as (
      -- Each customer's first order ever: one look-up per customer of the days.
      select f.id from (select distinct user_id from placed) c
      cross join lateral (
        select e.id from orders e where e.user_id = c.user_id
        order by e.placed_at, e.id limit 1) f
    ), facts as materialized (
      -- Each order's ready time and items by its own index entries: the work follows the
      -- days' orders, not the size of the tables (nor their statistics, which the embedded
      -- database gathers only when asked).
      select p.*,
        (select min(h.at) filter (where h.to_status = 'ready') from order_status_history h
         where h.order_id = p.id) as ready_at,
        coalesce((select sum(i.quantity) from order_items i where i.order_id = p.id), 0)
          as items,
        p.id in (select id from firsts) as first_order
      from placed p
    ), lines as (
      select f.day, i.product_id, i.quantity, i.unit_price_cents
      from facts f
      -- offset 0 keeps this a look-up per order (a plain join may scan every line).
      cross join lateral (
        select product_id, quantity, unit_price_cents from order_items
        where order_id = f.id offset 0) i
      where f.sale
    ), days as (
      insert into sales_days (date, placed, cancelled, orders, revenue_cents, discount_cents,
        items, coupon_orders, coupon_revenue_cents, ready_orders, ready_on_time)
      select day, count(*), count(*) filter (where not sale), count(*) filter (where sale),
        coalesce(sum(total_cents) filter (where sale), 0),
        coalesce(sum(discount_cents) filter (where sale), 0),
        coalesce(sum(items) filter (where sale), 0),
        count(*) filter (where sale and coupon_id is not null),
        coalesce(sum(total_cents) filter (where sale and coupon_id is not null), 0),
        count(*) filter (where sale and ready_at is not null),
        count(*) filter (where sale and ready_at <= pickup_at)
      from facts group by day
    ), hours as (
      insert into sales_day_hours (date, hour, placed, pickups)
      select day, hour, sum(placed), sum(pickups) from (
        select day, extract(hour from placed_at at time zone ${tz})::int as hour,
          1 as placed, 0 as pickups
        from facts where sale
        union all
        select (o.pickup_at at time zone ${tz})::date,
          extract(hour from o.pickup_at at time zone ${tz})::int, 0, 1
        from orders o
        where o.pickup_at >= ${start} and o.pickup_at < ${end} and o.status <> 'cancelled'
      ) h
      group by day, hour
    ), products as (
      insert into sales_day_products (date, product_id, units, revenue_cents, orders)
      select day, product_id, sum(quantity), sum(quantity * unit_price_cents), count(*)
      from lines
      group by day, product_id
    ), prep as (
      insert into sales_day_prep (date, minutes, orders)
      select day,
        least(1440, greatest(0, floor(extract(epoch from ready_at - placed_at) / 60)))::int,
        count(*)
      from facts where sale and ready_at is not null
      group by 1, 2
    )
    insert into sales_day_customers (date, user_id, placed, orders, revenue_cents, picked_up,
      first_order)
    select day, user_id, count(*), count(*) filter (where sale),
      coalesce(sum(total_cents) filter (where sale), 0),
      count(*) filter (where status = 'picked_up'), bool_or(first_order)
    from facts group by day, user_id`;
  // The months of these days, summed again from their days.
  await tx`
    delete from sales_month_customers
    where month between date_trunc('month', ${from}::date) and ${to}::date`;
  await tx`
    insert into sales_month_customers (month, user_id, orders, revenue_cents, first_order)
    select date_trunc('month', date)::date, user_id, sum(orders), sum(revenue_cents),
      bool_or(first_order)
    from sales_day_customers
    where date >= date_trunc('month', ${from}::date)
      and date < date_trunc('month', ${to}::date) + interval '1 month'
    group by 1, 2`;
  if (!customers) return;
  // The customers of these days: their collected orders over all their days.
  await tx`
    insert into sales_customers (user_id, collected)
    select c.user_id, sum(c.picked_up)
    from sales_day_customers c
    where c.user_id in (
      select distinct user_id from orders
      where placed_at >= ${start} and placed_at < ${end})
    group by c.user_id
    on conflict (user_id) do update set collected = excluded.collected`;
}

/**
 * Background work's turn-taking: waits as long as the work since `started` took, so requests
 * queued on the database meanwhile run before the next step.
 */
export function restAsLongAs(started: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, performance.now() - started));
}

/** The last day of the month of `date`. */
function lastOfMonth(date: string): string {
  const [y, m] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
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
export async function rebuildRollups(
  sql: Sql,
  timeZone: string,
  { daysPerChunk = REBUILD_CHUNK_DAYS, shareDatabase = false }: {
    daysPerChunk?: number;
    /** Rest after each chunk as long as it took (a shop serving meanwhile goes between). */
    shareDatabase?: boolean;
  } = {},
): Promise<{ days: number }> {
  const span = await orderSpan(sql, timeZone);
  let days = 0;
  if (span) {
    await sql.begin(async (tx) => {
      // Days no order lives on any more (a zone change moves them) keep nothing.
      for (const table of DAY_TABLES) {
        await tx`delete from ${tx(table)} where date < ${span.first} or date > ${span.last}`;
      }
      await tx`
        delete from sales_month_customers
        where month < date_trunc('month', ${span.first}::date) or month > ${span.last}::date`;
    });
    // Chunks end with their month, so each month's customers are summed once per chunk.
    let from = span.first;
    while (from <= span.last) {
      const to = [addDays(from, daysPerChunk - 1), lastOfMonth(from), span.last].sort()[0];
      const chunk = from;
      const started = performance.now();
      await sql.begin((tx) => recomputeDays(tx, chunk, to, timeZone, { customers: false }));
      if (shareDatabase) await restAsLongAs(started);
      days += dayNumber(to) - dayNumber(from) + 1;
      from = addDays(to, 1);
    }
  }
  await sql`
    insert into sales_customers (user_id, collected)
    select user_id, sum(picked_up) from sales_day_customers group by user_id
    on conflict (user_id) do update set collected = excluded.collected`;
  await sql`update analytics_state set time_zone = ${timeZone}, built_at = now()`;
  return { days };
}

/** Whether the rollups were never built, or were cut in another zone than the shop's now. */
export async function rollupsNeedBuilding(sql: Sql, timeZone: string): Promise<boolean> {
  const [state] = await sql<{ timeZone: string | null; builtAt: Date | null }[]>`
    select time_zone, built_at from analytics_state`;
  return !state?.builtAt || state.timeZone !== timeZone;
}
