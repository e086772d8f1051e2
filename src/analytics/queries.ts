import type { Queryable } from "../infra/db.ts";
import { addDays } from "../shop/hours.ts";

/**
 * Reads of the sales rollups for a range of shop days (inclusive). Nothing here scans the
 * orders of the range, except the open orders whose pickup has passed (never collected).
 * Sums arrive as float8: every whole number of cents is exact in it.
 */

export interface Totals {
  placed: number;
  orders: number;
  cancelled: number;
  revenueCents: number;
  discountCents: number;
  items: number;
  couponOrders: number;
  couponRevenueCents: number;
  readyOrders: number;
  readyOnTime: number;
}

export async function rangeTotals(sql: Queryable, from: string, to: string): Promise<Totals> {
  const [row] = await sql<Totals[]>`
    select coalesce(sum(placed), 0)::float8 as placed, coalesce(sum(orders), 0)::float8 as orders,
      coalesce(sum(cancelled), 0)::float8 as cancelled,
      coalesce(sum(revenue_cents), 0)::float8 as revenue_cents,
      coalesce(sum(discount_cents), 0)::float8 as discount_cents,
      coalesce(sum(items), 0)::float8 as items,
      coalesce(sum(coupon_orders), 0)::float8 as coupon_orders,
      coalesce(sum(coupon_revenue_cents), 0)::float8 as coupon_revenue_cents,
      coalesce(sum(ready_orders), 0)::float8 as ready_orders,
      coalesce(sum(ready_on_time), 0)::float8 as ready_on_time
    from sales_days where date between ${from} and ${to}`;
  return row;
}

export interface DayFigure {
  date: string;
  revenueCents: number;
  orders: number;
}

/** Every day of the range, days without sales as zero. */
export async function byDay(sql: Queryable, from: string, to: string): Promise<DayFigure[]> {
  return await sql<DayFigure[]>`
    select d::date::text as date, coalesce(s.revenue_cents, 0)::float8 as revenue_cents,
      coalesce(s.orders, 0)::int as orders
    from generate_series(${from}::date, ${to}::date, interval '1 day') d
    left join sales_days s on s.date = d::date
    order by d`;
}

export interface HourFigure {
  weekday: number;
  hour: number;
  orders: number;
  pickups: number;
}

/** Sales placed and picked up per weekday (0 = Sunday) and local hour. */
export async function byHour(sql: Queryable, from: string, to: string): Promise<HourFigure[]> {
  return await sql<HourFigure[]>`
    select extract(dow from date)::int as weekday, hour::int as hour,
      sum(placed)::int as orders, sum(pickups)::int as pickups
    from sales_day_hours where date between ${from} and ${to}
    group by 1, 2 order by 1, 2`;
}

export interface ProductFigure {
  productId: number;
  name: string;
  category: string;
  quantity: number;
  revenueCents: number;
  orders: number;
}

/** Every product sold in the range, best revenue first (before discounts). */
export async function productSales(
  sql: Queryable,
  from: string,
  to: string,
): Promise<ProductFigure[]> {
  return await sql<ProductFigure[]>`
    select s.product_id, p.name, c.name as category, s.quantity, s.revenue_cents, s.orders
    from (
      select product_id, sum(units)::int as quantity, sum(revenue_cents)::float8 as revenue_cents,
        sum(orders)::int as orders
      from sales_day_products where date between ${from} and ${to}
      group by product_id
    ) s
    join products p on p.id = s.product_id
    join categories c on c.id = p.category_id
    order by s.revenue_cents desc, s.quantity desc, p.name, s.product_id`;
}

/** Minutes from placed to ready, with how many orders took each. */
export async function prepHistogram(sql: Queryable, from: string, to: string) {
  return await sql<{ minutes: number; orders: number }[]>`
    select minutes, sum(orders)::int as orders from sales_day_prep
    where date between ${from} and ${to}
    group by minutes order by minutes`;
}

export interface CustomerFigures {
  /** Customers whose first order ever was placed in the range. */
  new: number;
  /** Customers with a sale in the range who had ordered before it. */
  returning: number;
  /** Customers with a sale in the range, and of them those with two or more. */
  active: number;
  repeat: number;
}

export interface Regular {
  userId: number;
  name: string;
  orders: number;
  revenueCents: number;
  collected: number;
}

/**
 * The range's calendar months that lie wholly inside it (read from the month rows) and the
 * days at its ends outside them (read from the day rows), as inclusive date ranges.
 */
export function monthsAndEnds(from: string, to: string) {
  const firstOfNext = (date: string) => {
    const [y, m] = date.split("-").map(Number);
    return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  };
  const first = from.endsWith("-01") ? from : firstOfNext(from);
  // The month after the last whole one starts the day after `to` if that is a 1st.
  const after = addDays(to, 1).endsWith("-01") ? addDays(to, 1) : `${to.slice(0, 8)}01`;
  if (first >= after) return { months: null, ends: [{ from, to }] };
  const ends = [{ from, to: addDays(first, -1) }, { from: after, to }]
    .filter((e) => e.from <= e.to);
  return { months: { from: first, to: addDays(after, -1) }, ends };
}

/**
 * Customers of the range, and its regulars: those with at least `minCollected` orders
 * collected (the notion "regulars only" coupons use), most orders in the range first.
 * One pass over the range's customer rows: a row per customer and whole month, and per
 * customer and day at the range's ends.
 */
export async function customerFigures(
  sql: Queryable,
  from: string,
  to: string,
  { minCollected, limit }: { minCollected: number; limit: number },
): Promise<CustomerFigures & { regulars: { total: number; items: Regular[] } }> {
  const { months, ends } = monthsAndEnds(from, to);
  // A part that is missing reads no rows (between null and null), so the statement keeps
  // one shape.
  const none = { from: null, to: null };
  const [m, a, b] = [months ?? none, ends[0] ?? none, ends[1] ?? none];
  const [row] = await sql<
    (CustomerFigures & { regularCount: number; regulars: Regular[] | null })[]
  >`
    with c as materialized (
      select x.user_id, bool_or(x.first_order) as is_new, sum(x.orders)::int as orders,
        sum(x.revenue_cents)::float8 as revenue_cents
      from (
        select user_id, first_order, orders, revenue_cents from sales_month_customers
        where month between ${m.from}::date and ${m.to}::date
        union all
        select user_id, first_order, orders, revenue_cents from sales_day_customers
        where date between ${a.from}::date and ${a.to}::date
        union all
        select user_id, first_order, orders, revenue_cents from sales_day_customers
        where date between ${b.from}::date and ${b.to}::date
      ) x
      group by x.user_id
    ), k as materialized (
      select c.*, s.collected,
        c.orders > 0 and coalesce(s.collected, 0) >= ${minCollected} as regular
      from c left join sales_customers s using (user_id)
    )
    select count(*) filter (where is_new)::int as new,
      count(*) filter (where not is_new and orders > 0)::int as returning,
      count(*) filter (where orders > 0)::int as active,
      count(*) filter (where orders > 1)::int as repeat,
      count(*) filter (where regular)::int as regular_count,
      (select json_agg(json_build_object('userId', t.user_id, 'name', u.name,
          'orders', t.orders, 'revenueCents', t.revenue_cents, 'collected', t.collected)
          order by t.orders desc, t.revenue_cents desc, t.user_id)
       from (select * from k where regular order by orders desc, revenue_cents desc, user_id
             limit ${limit}) t
       join users u on u.id = t.user_id) as regulars
    from k`;
  const { regularCount, regulars, ...counts } = row;
  return { ...counts, regulars: { total: regularCount, items: regulars ?? [] } };
}

/** The smallest collected-orders threshold of an active "regulars only" coupon (or none). */
export async function regularsThreshold(sql: Queryable): Promise<number | null> {
  const [row] = await sql<{ min: number | null }[]>`
    select min(regulars_min_orders)::int as min from coupons
    where active and regulars_min_orders is not null`;
  return row?.min ?? null;
}

/** Open orders whose pickup day in the range has passed: never collected (yet). */
export async function neverCollected(
  sql: Queryable,
  range: { start: Date; end: Date },
  todayStart: Date,
): Promise<number> {
  const end = range.end < todayStart ? range.end : todayStart;
  const [row] = await sql<{ count: number }[]>`
    select count(*)::int as count from orders
    where status in ('placed', 'baking', 'ready')
      and pickup_at >= ${range.start} and pickup_at < ${end}`;
  return row.count;
}

export interface PlanDay {
  date: string;
  productId: number;
  name: string;
  planned: number;
  sold: number;
  leftover: number;
  soldOutAt: Date | null;
}

/** The plans of daily products up to `until` (past days and today): sold and left. */
export async function planDays(
  sql: Queryable,
  from: string,
  until: string,
): Promise<PlanDay[]> {
  return await sql<PlanDay[]>`
    select d.date::text as date, d.product_id, p.name, d.planned, d.ordered + d.counter as sold,
      d.remaining as leftover, d.sold_out_at
    from product_days d join products p on p.id = d.product_id
    where d.date between ${from} and ${until} and p.kind = 'daily'
    order by d.date, p.name, d.product_id`;
}

/** Sell-through per daily product over the days `from`…`until`. */
export async function sellThrough(sql: Queryable, from: string, until: string) {
  return await sql<
    {
      productId: number;
      name: string;
      planned: number;
      sold: number;
      leftover: number;
      soldOutDays: number;
    }[]
  >`
    select d.product_id, p.name, sum(d.planned)::int as planned,
      sum(d.ordered + d.counter)::int as sold, sum(d.remaining)::int as leftover,
      count(d.sold_out_at)::int as sold_out_days
    from product_days d join products p on p.id = d.product_id
    where d.date between ${from} and ${until} and p.kind = 'daily'
    group by d.product_id, p.name
    order by p.name, d.product_id`;
}

/** Product page views in the range, per product. */
export async function productViews(sql: Queryable, from: string, to: string) {
  return await sql<{ productId: number; name: string; views: number }[]>`
    select v.product_id, p.name, sum(v.views)::int as views
    from product_views_daily v join products p on p.id = v.product_id
    where v.day between ${from} and ${to}
    group by v.product_id, p.name
    order by views desc, p.name`;
}
