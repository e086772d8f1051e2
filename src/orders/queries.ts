import type { Queryable } from "../infra/db.ts";
import type { Allergen } from "../catalog/allergens.ts";
import type { OrderStatus } from "./status.ts";

export interface OrderRow {
  id: number;
  code: string;
  userId: number;
  status: OrderStatus;
  pickupAt: Date;
  pickupAsap: boolean;
  note: string;
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  currency: string;
  couponCode: string | null;
  cancelReason: string | null;
  placedAt: Date;
  statusChangedAt: Date;
}

export interface OrderItemRow {
  productId: number;
  name: string;
  unitPriceCents: number;
  quantity: number;
  allergens: Allergen[];
}

export interface StatusChangeRow {
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus;
  actorId: number | null;
  actorName: string | null;
  reason: string | null;
  at: Date;
}

export const orderColumns = (sql: Queryable) =>
  sql`
    o.id, o.code, o.user_id, o.status, o.pickup_at, o.pickup_asap, o.note, o.subtotal_cents,
    o.discount_cents, o.total_cents, o.currency, o.coupon_code, o.cancel_reason, o.placed_at,
    o.status_changed_at`;

export async function findOrder(sql: Queryable, id: number): Promise<OrderRow | null> {
  const [row] = await sql<OrderRow[]>`select ${orderColumns(sql)} from orders o where o.id = ${id}`;
  return row ?? null;
}

export async function orderItems(sql: Queryable, orderId: number): Promise<OrderItemRow[]> {
  return await sql<OrderItemRow[]>`
    select product_id, name, unit_price_cents, quantity, allergens
    from order_items where order_id = ${orderId} order by name`;
}

export async function orderHistory(sql: Queryable, orderId: number): Promise<StatusChangeRow[]> {
  return await sql<StatusChangeRow[]>`
    select h.from_status, h.to_status, h.actor_id, u.name as actor_name, h.reason, h.at
    from order_status_history h left join users u on u.id = h.actor_id
    where h.order_id = ${orderId} order by h.id`;
}

/** A customer's orders, newest first, one page at a time. */
export async function ordersOfUser(
  sql: Queryable,
  userId: number,
  page: { limit: number; offset: number },
): Promise<{ orders: (OrderRow & { itemCount: number })[]; total: number }> {
  const rows = await sql<(OrderRow & { itemCount: number; total: number })[]>`
    select ${orderColumns(sql)},
      (select coalesce(sum(quantity), 0)::int from order_items i where i.order_id = o.id)
        as item_count,
      count(*) over ()::int as total
    from orders o where o.user_id = ${userId}
    order by o.placed_at desc, o.id desc
    limit ${page.limit} offset ${page.offset}`;
  return { orders: rows.map(({ total: _, ...o }) => o), total: rows[0]?.total ?? 0 };
}

export async function insertStatusChange(
  sql: Queryable,
  change: {
    orderId: number;
    from: OrderStatus | null;
    to: OrderStatus;
    actorId: number | null;
    reason?: string | null;
    /** Where the change came from, for the audit entry the worker writes from this row. */
    ip?: string | null;
    userAgent?: string | null;
  },
) {
  await sql`
    insert into order_status_history (order_id, from_status, to_status, actor_id, reason, ip,
      user_agent)
    values (${change.orderId}, ${change.from}, ${change.to}, ${change.actorId},
            ${change.reason ?? null}, ${change.ip ?? null}, ${
    change.userAgent?.slice(0, 300) ?? null
  })`;
}

/** A status change as the history records it, for the worker's audit and notices. */
export interface RecordedChange {
  id: number;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus;
  actorId: number | null;
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
}

/**
 * The order's changes nobody has announced yet, oldest first, marked announced in the
 * caller's transaction. Concurrent callers wait on the rows' locks, and the later one finds
 * them taken: each change is announced once.
 */
export async function takeUnannouncedChanges(
  sql: Queryable,
  orderId: number,
): Promise<RecordedChange[]> {
  const rows = await sql<RecordedChange[]>`
    update order_status_history set announced_at = now()
    where order_id = ${orderId} and announced_at is null
    returning id::int, from_status, to_status, actor_id, reason, ip, user_agent`;
  return rows.sort((a, b) => a.id - b.id);
}
