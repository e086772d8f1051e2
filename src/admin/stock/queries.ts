import type postgres from "postgres";
import type { Queryable } from "../../infra/db.ts";
import { likePattern } from "../../catalog/queries.ts";
import { todayStock } from "../../bakery/queries.ts";

/** SQL of the stock screen: levels, changes that never go below zero, the movement log. */

export interface StockRow {
  id: number;
  name: string;
  slug: string;
  /** Shelf stock, or what today's plan has left of a daily product; 0 for made to order. */
  stock: number;
  kind: "daily" | "made_to_order" | "shelf";
  lowStockThreshold: number;
  active: boolean;
}

export async function listStock(
  sql: Queryable,
  f: { q?: string; low: boolean; limit: number; offset: number; today: string },
): Promise<{ items: StockRow[]; total: number }> {
  const stock = todayStock(sql, f.today);
  const conditions: postgres.Fragment[] = [];
  if (f.low) {
    conditions.push(sql`p.kind <> 'made_to_order' and ${stock} <= p.low_stock_threshold`);
  }
  if (f.q) {
    const pattern = likePattern(f.q);
    conditions.push(sql`(p.name ilike ${pattern} or p.slug ilike ${pattern})`);
  }
  const where = conditions.reduce((all, next) => sql`${all} and ${next}`, sql`true`);
  const [items, [count]] = await Promise.all([
    sql<StockRow[]>`
      select p.id, p.name, p.slug, ${stock} as stock, p.kind, p.low_stock_threshold, p.active
      from products p where ${where}
      order by p.active desc, lower(p.name), p.id
      limit ${f.limit} offset ${f.offset}`,
    sql<{ n: number }[]>`select count(*)::int as n from products p where ${where}`,
  ]);
  return { items, total: count.n };
}

export async function findStockRow(
  sql: Queryable,
  id: number,
  today: string,
): Promise<StockRow | null> {
  const [row] = await sql<StockRow[]>`
    select p.id, p.name, p.slug, ${todayStock(sql, today)} as stock, p.kind,
      p.low_stock_threshold, p.active
    from products p where p.id = ${id}`;
  return row ?? null;
}

/** Adds `delta` (negative to take away) unless stock would go below zero; null if refused. */
export async function adjustStockRow(sql: Queryable, id: number, delta: number) {
  const [row] = await sql<{ stock: number }[]>`
    update products set stock = stock + ${delta}, updated_at = now()
    where id = ${id} and stock + ${delta} >= 0
    returning stock`;
  return row?.stock ?? null;
}

/** Sets stock to a count; returns it with what it was before, or null for no such product. */
export async function setStockCount(sql: Queryable, id: number, stock: number) {
  const [row] = await sql<{ stock: number; previous: number }[]>`
    update products p set stock = ${stock}, updated_at = now()
    from (select id, stock from products where id = ${id} for update) old
    where p.id = old.id
    returning p.stock, old.stock as previous`;
  return row ?? null;
}

export interface Movement {
  id: number;
  delta: number;
  stockAfter: number;
  reason: string;
  note: string;
  actorName: string | null;
  /** The order that took or gave back the stock. */
  orderId: number | null;
  orderCode: string | null;
  /** The date's plan it changed (daily products). */
  planDate: string | null;
  at: Date;
}

export async function listMovements(
  sql: Queryable,
  productId: number,
  page: { limit: number; offset: number },
): Promise<{ items: Movement[]; total: number }> {
  const [items, [count]] = await Promise.all([
    sql<Movement[]>`
      select m.id::int as id, m.delta, m.stock_after, m.reason, m.note, u.name as actor_name,
        m.order_id, o.code as order_code, m.plan_date::text as plan_date, m.at
      from stock_movements m left join users u on u.id = m.actor_id
        left join orders o on o.id = m.order_id
      where m.product_id = ${productId}
      order by m.id desc
      limit ${page.limit} offset ${page.offset}`,
    sql<{ n: number }[]>`
      select count(*)::int as n from stock_movements where product_id = ${productId}`,
  ]);
  return { items, total: count.n };
}
