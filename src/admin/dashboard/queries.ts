import { todayStock } from "../../bakery/queries.ts";
import type { Queryable } from "../../infra/db.ts";

/** The dashboard's figures: a day's takings, open tickets, products running low. */

export interface DayTakings {
  /** Orders placed in the day, cancelled ones included. */
  orders: number;
  cancelled: number;
  /** Totals of the day's orders that were not cancelled. */
  revenueCents: number;
}

/** Orders placed between two instants (a shop day) and what they took. */
export async function dayTakings(
  sql: Queryable,
  day: { start: Date; end: Date },
): Promise<DayTakings> {
  const [row] = await sql<DayTakings[]>`
    select count(*)::int as orders,
      count(*) filter (where status = 'cancelled')::int as cancelled,
      -- float8 holds every whole number of cents exactly, and arrives as a number.
      coalesce(sum(total_cents) filter (where status <> 'cancelled'), 0)::float8 as revenue_cents
    from orders
    where placed_at >= ${day.start} and placed_at < ${day.end}`;
  return row;
}

export interface OpenTicketCounts {
  placed: number;
  baking: number;
  ready: number;
}

/** Open orders per state, whatever day they were placed. */
export async function openTicketCounts(sql: Queryable): Promise<OpenTicketCounts> {
  const rows = await sql<{ status: keyof OpenTicketCounts; count: number }[]>`
    select status, count(*)::int as count from orders
    where status in ('placed', 'baking', 'ready')
    group by status`;
  const counts: OpenTicketCounts = { placed: 0, baking: 0, ready: 0 };
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}

export interface LowStockProduct {
  id: number;
  name: string;
  stock: number;
  lowStockThreshold: number;
}

/** Active products at or under their low-stock threshold, emptiest first (at most `limit`). */
export async function lowStockProducts(
  sql: Queryable,
  limit: number,
  today: string,
): Promise<{ items: LowStockProduct[]; total: number }> {
  // Daily products count what today's plan has left; made-to-order ones keep no stock.
  const rows = await sql<(LowStockProduct & { total: number })[]>`
    select id, name, stock, low_stock_threshold, count(*) over ()::int as total
    from (
      select p.id, p.name, p.low_stock_threshold, ${todayStock(sql, today)} as stock
      from products p where p.active and p.kind <> 'made_to_order'
    ) p
    where stock <= low_stock_threshold
    order by stock, name, id
    limit ${limit}`;
  return {
    items: rows.map(({ total: _, ...item }) => item),
    total: rows[0]?.total ?? 0,
  };
}
