import type { Queryable } from "../../infra/db.ts";
import type { OrderStatus } from "../../orders/status.ts";
import { containing } from "../shared/lists.ts";

/** Orders as the admin screens read them: filtered pages, one order's people, CSV pages. */

export interface OrderFilters {
  status?: OrderStatus;
  /** Pickup between these instants (a shop day). */
  pickup?: { start: Date; end: Date };
  /** Part of the order code, the customer's name or email. */
  q?: string;
}

export interface AdminOrderRow {
  id: number;
  code: string;
  codeDay: string;
  status: OrderStatus;
  pickupAt: Date;
  pickupAsap: boolean;
  placedAt: Date;
  totalCents: number;
  couponCode: string | null;
  customerName: string;
  customerEmail: string;
  itemCount: number;
}

const matching = (sql: Queryable, f: OrderFilters) =>
  sql`
    where true
    ${f.status ? sql`and o.status = ${f.status}` : sql``}
    ${
    f.pickup ? sql`and o.pickup_at >= ${f.pickup.start} and o.pickup_at < ${f.pickup.end}` : sql``
  }
    ${
    f.q
      ? sql`and (o.code ilike ${containing(f.q)} or u.name ilike ${containing(f.q)}
          or u.email ilike ${containing(f.q)})`
      : sql``
  }`;

/** One page of orders, newest first, and how many match in all. */
export async function listOrders(
  sql: Queryable,
  filters: OrderFilters,
  page: { limit: number; offset: number },
): Promise<{ orders: AdminOrderRow[]; total: number }> {
  const [{ total }] = await sql<{ total: number }[]>`
    select count(*)::int as total
    from orders o join users u on u.id = o.user_id ${matching(sql, filters)}`;
  const orders = total === 0 ? [] : await sql<AdminOrderRow[]>`
    select o.id, o.code, o.code_day::text, o.status, o.pickup_at, o.pickup_asap, o.placed_at,
      o.total_cents, o.coupon_code, u.name as customer_name, u.email as customer_email,
      (select coalesce(sum(i.quantity), 0)::int from order_items i where i.order_id = o.id)
        as item_count
    from orders o join users u on u.id = o.user_id
    ${matching(sql, filters)}
    order by o.placed_at desc, o.id desc
    limit ${page.limit} offset ${page.offset}`;
  return { orders, total };
}

export interface OrderParties {
  codeDay: string;
  couponId: number | null;
  customer: { id: number; name: string; email: string };
}

/** Who placed an order, its day and the coupon row it used. */
export async function orderParties(sql: Queryable, orderId: number): Promise<OrderParties | null> {
  const [row] = await sql<
    { codeDay: string; couponId: number | null; id: number; name: string; email: string }[]
  >`
    select o.code_day::text, o.coupon_id, u.id, u.name, u.email
    from orders o join users u on u.id = o.user_id where o.id = ${orderId}`;
  if (!row) return null;
  const { codeDay, couponId, ...customer } = row;
  return { codeDay, couponId, customer };
}

export interface ExportRow {
  id: number;
  code: string;
  placedAt: Date;
  pickupAt: Date;
  status: OrderStatus;
  customerName: string;
  customerEmail: string;
  items: string | null;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  couponCode: string | null;
  /** Exact position for the next page (microseconds survive as text, not as a Date). */
  cursorAt: string;
}

export interface ExportCursor {
  at: string;
  id: number;
}

/** The next rows by pickup time for the CSV file: keyset pages, never the whole range. */
export async function exportPage(
  sql: Queryable,
  range: { start: Date; end: Date },
  after: ExportCursor | null,
  limit: number,
): Promise<ExportRow[]> {
  return await sql<ExportRow[]>`
    select o.id, o.code, o.placed_at, o.pickup_at, o.status, u.name as customer_name,
      u.email as customer_email, o.subtotal_cents, o.discount_cents, o.total_cents,
      o.coupon_code, o.pickup_at::text as cursor_at,
      (select string_agg(i.quantity || '× ' || i.name, '; ' order by i.name)
        from order_items i where i.order_id = o.id) as items
    from orders o join users u on u.id = o.user_id
    where o.pickup_at >= ${range.start} and o.pickup_at < ${range.end}
    ${after ? sql`and (o.pickup_at, o.id) > (${after.at}::timestamptz, ${after.id}::int)` : sql``}
    order by o.pickup_at, o.id
    limit ${limit}`;
}
