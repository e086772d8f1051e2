import type { Queryable } from "../infra/db.ts";
import type { OpeningHours } from "../shop/hours.ts";
import type { Calendar, Closure, SpecialHours } from "./calendar.ts";
import type { PickupSettings } from "./rules.ts";
import type { PlanRows, ProductKind, ScheduledProduct } from "./availability.ts";

/** SQL of bakery days: settings and calendar, plans per date, pickup seats. */

interface RulesRow {
  slotMinutes: number;
  ordersPerSlot: number | null;
  horizonDays: number;
  nextDayCutoffMinutes: number | null;
  weekly: { weekday: number; opens: number; closes: number }[];
  closures: Closure[];
  special: SpecialHours[];
}

/**
 * The pickup settings and the calendar for dates `from`…`to`, in one round trip. A checkout
 * locks them first (`lockRulesForReading`): calendar and settings writers lock the settings
 * row for update, so a checkout and a closure of its date cannot pass each other.
 */
export async function readRules(
  sql: Queryable,
  range: { from: string; to: string },
): Promise<{ settings: PickupSettings; calendar: Calendar }> {
  const [row] = await sql<RulesRow[]>`
    select s.slot_minutes, s.orders_per_slot, s.horizon_days, s.next_day_cutoff_minutes,
      (select coalesce(json_agg(json_build_object(
          'weekday', weekday, 'opens', opens, 'closes', closes)), '[]')
        from opening_hours) as weekly,
      (select coalesce(json_agg(json_build_object('id', id, 'from', starts_on,
          'to', ends_on, 'reason', reason) order by starts_on), '[]')
        from closures where ends_on >= ${range.from}::date and starts_on <= ${range.to}::date)
        as closures,
      (select coalesce(json_agg(json_build_object('date', date, 'opens', opens,
          'closes', closes, 'note', note) order by date), '[]')
        from special_hours where date between ${range.from}::date and ${range.to}::date)
        as special
    from pickup_settings s`;
  const weekly: OpeningHours = Array.from({ length: 7 }, () => null);
  for (const w of row.weekly) weekly[w.weekday] = { opens: w.opens, closes: w.closes };
  return {
    settings: {
      slotMinutes: row.slotMinutes,
      ordersPerSlot: row.ordersPerSlot,
      horizonDays: row.horizonDays,
      nextDayCutoff: row.nextDayCutoffMinutes,
    },
    calendar: { weekly, closures: row.closures, special: row.special },
  };
}

/**
 * What the shop has of a product `p` today, as SQL: the shelf's stock, or today's plan (its
 * par until it has a row); 0 for made to order, which keeps none. For admin lists.
 */
export const todayStock = (sql: Queryable, today: string) =>
  sql`case p.kind
    when 'daily' then coalesce(
      (select d.remaining from product_days d where d.product_id = p.id and d.date = ${today}::date),
      p.par[extract(isodow from ${today}::date)::int])
    when 'made_to_order' then 0
    else p.stock end`;

/** A checkout holds the rules still while it books: writers wait for it, it waits for them. */
export async function lockRulesForReading(tx: Queryable) {
  await tx`select 1 from pickup_settings for key share`;
}

/** Writers of settings and calendar go one at a time, and never past a checkout in flight. */
export async function lockRulesForWriting(tx: Queryable) {
  await tx`select 1 from pickup_settings for update`;
}

export async function updateSettings(tx: Queryable, s: PickupSettings) {
  await tx`
    update pickup_settings set slot_minutes = ${s.slotMinutes},
      orders_per_slot = ${s.ordersPerSlot}, horizon_days = ${s.horizonDays},
      next_day_cutoff_minutes = ${s.nextDayCutoff}, updated_at = now()`;
}

const scheduleColumns = (sql: Queryable) =>
  sql`id, name, kind, lead_time_hours, stock, par, active`;

/** Kind, lead time, par and shelf stock of these products, read now. */
export async function productSchedules(
  sql: Queryable,
  ids: number[],
): Promise<Map<number, ScheduledProduct>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<ScheduledProduct[]>`
    select ${scheduleColumns(sql)} from products where id = any(${ids}::int[])`;
  return new Map(rows.map((r) => [r.id, r]));
}

/** Every active product's schedule, in shop order. */
export async function activeSchedules(sql: Queryable): Promise<ScheduledProduct[]> {
  return await sql<ScheduledProduct[]>`
    select ${scheduleColumns(sql)} from products p where active
    order by (select position from categories c where c.id = p.category_id), name, id`;
}

/** Plan rows of these daily products on dates `from`…`to`, by product. */
export async function planRows(
  sql: Queryable,
  ids: number[],
  range: { from: string; to: string },
): Promise<Map<number, PlanRows>> {
  const byProduct = new Map<number, PlanRows>();
  if (ids.length === 0) return byProduct;
  const rows = await sql<{ productId: number; date: string; planned: number; remaining: number }[]>`
    select product_id, date::text as date, planned, remaining from product_days
    where product_id = any(${ids}::int[])
      and date between ${range.from}::date and ${range.to}::date`;
  for (const r of rows) {
    let plan = byProduct.get(r.productId);
    if (!plan) byProduct.set(r.productId, plan = new Map());
    plan.set(r.date, { planned: r.planned, remaining: r.remaining });
  }
  return byProduct;
}

export interface KindChange {
  kind?: ProductKind;
  leadTimeHours?: number;
  par?: number[];
}

/** Locks the product for a schedule change (checkouts making a plan row key-share lock it). */
export async function lockProduct(tx: Queryable, id: number) {
  const [row] = await tx<ScheduledProduct[]>`
    select ${scheduleColumns(tx)} from products where id = ${id} for update`;
  return row ?? null;
}

export async function writeSchedule(tx: Queryable, id: number, s: Required<KindChange>) {
  await tx`
    update products set kind = ${s.kind}, lead_time_hours = ${s.leadTimeHours},
      par = ${s.par}::int[], version = version + 1, updated_at = now()
    where id = ${id}`;
}

/**
 * Moves the future dates that follow the par to the new par. A date where more is already
 * ordered (or gone over the counter) than the new par is not moved: it is returned, and the
 * caller refuses the whole change.
 */
export async function followPar(
  tx: Queryable,
  id: number,
  par: number[],
  today: string,
): Promise<{ moved: { date: string; remaining: number }[]; blocked: BlockedPlan[] }> {
  const blocked = await tx<BlockedPlan[]>`
    select date::text as date, ordered, counter from product_days
    where product_id = ${id} and date >= ${today}::date and follows_par
      and ordered + counter > (${par}::int[])[extract(isodow from date)::int]
    order by date`;
  if (blocked.length) return { moved: [], blocked };
  const moved = await tx<{ date: string; remaining: number }[]>`
    update product_days set planned = (${par}::int[])[extract(isodow from date)::int],
      sold_out_at = case
        when (${par}::int[])[extract(isodow from date)::int] - ordered - counter > 0 then null
        else coalesce(sold_out_at, now()) end,
      updated_at = now()
    where product_id = ${id} and date >= ${today}::date and follows_par
      and planned <> (${par}::int[])[extract(isodow from date)::int]
    returning date::text as date, remaining`;
  return { moved, blocked: [] };
}

export interface BlockedPlan {
  date: string;
  ordered: number;
  counter: number;
}
