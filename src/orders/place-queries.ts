import type { Queryable, Tx } from "../infra/db.ts";
import type { Allergen } from "../catalog/allergens.ts";
import { ORDERS_QUEUE } from "../outbox/outbox.ts";
import { orderColumns, type OrderRow } from "./queries.ts";

/**
 * The sequence value a shop day's order numbers count from (see migration 00008). Taken
 * once per day, before the day's first order takes a number, so every number of the day is
 * above it. A day counted by the old per-day counter continues after its last number.
 */
export async function orderCodeBase(sql: Queryable, day: string): Promise<number> {
  const [row] = await sql<{ base: string }[]>`
    with fresh as (
      insert into order_code_days (day, base)
      values (${day}, nextval('order_code_seq') -
        coalesce((select last from order_code_counters where day = ${day}), 0))
      on conflict (day) do nothing
      returning base
    )
    select base from fresh union all select base from order_code_days where day = ${day}`;
  if (row) return Number(row.base);
  // Another instance wrote the day in the meantime: this statement's snapshot predates it.
  const [other] = await sql<{ base: string }[]>`
    select base from order_code_days where day = ${day}`;
  return Number(other.base);
}

export interface NewOrder {
  userId: number;
  /** The shop day the code counts in, and the sequence value its numbers count from. */
  day: string;
  dayBase: number;
  pickup: { at: Date; asap: boolean; date: string; slot: Date | null };
  note: string;
  subtotalCents: number;
  discountCents: number;
  currency: string;
  coupon: { id: number; code: string } | null;
  lines: {
    productId: number;
    name: string;
    priceCents: number;
    allergens: Allergen[];
    quantity: number;
    source: "stock" | "plan" | "none";
  }[];
  /** The key this request claimed earlier in the transaction: it now names the order. */
  idempotencyKey: string | null;
}

/**
 * Writes an order whose stock, plan and seat were taken earlier in the transaction, in one
 * round trip: the order with a code of the day from the sequence (no row every checkout
 * updates), its lines, its first history row, the key's order and its `order.placed` event.
 */
export async function insertOrder(tx: Tx, order: NewOrder): Promise<OrderRow> {
  const lines = order.lines.map((l) => ({
    product_id: l.productId,
    name: l.name,
    unit_price_cents: l.priceCents,
    allergens: l.allergens,
    quantity: l.quantity,
    source: l.source,
  }));
  const [row] = await tx<OrderRow[]>`
    with o as (
      insert into orders (code, code_day, user_id, pickup_at, pickup_asap, pickup_date,
        pickup_slot, note, subtotal_cents, discount_cents, total_cents, currency, coupon_id,
        coupon_code)
      values (order_code(nextval('order_code_seq') - ${order.dayBase}::bigint), ${order.day},
        ${order.userId}, ${order.pickup.at}, ${order.pickup.asap}, ${order.pickup.date},
        ${order.pickup.slot}, ${order.note}, ${order.subtotalCents}, ${order.discountCents},
        ${order.subtotalCents - order.discountCents}, ${order.currency},
        ${order.coupon?.id ?? null}::int, ${order.coupon?.code ?? null}::text)
      returning *
    ),
    items as (
      insert into order_items
        (order_id, product_id, name, unit_price_cents, allergens, quantity, source)
      select o.id, l.product_id, l.name, l.unit_price_cents,
        array(select jsonb_array_elements_text(l.allergens)), l.quantity, l.source
      from o, jsonb_to_recordset(${tx.json(lines)}::jsonb) as l (product_id int, name text,
        unit_price_cents int, allergens jsonb, quantity int, source text)
    ),
    history as (
      insert into order_status_history (order_id, from_status, to_status, actor_id)
      select id, null, 'placed', user_id from o
    ),
    movements as (
      -- The takes were written before the order existed (see claimOrderMovements).
      update stock_movements set order_id = (select id from o)
      where reason = 'order' and order_id is null
    ),
    claim as (
      update idempotency_keys set order_id = (select id from o)
      where user_id = ${order.userId} and key = ${order.idempotencyKey}::text
    ),
    event as (
      insert into outbox (message_id, queue, type, payload)
      select ${crypto.randomUUID()}::uuid, ${ORDERS_QUEUE}, 'order.placed',
        json_build_object('orderId', id)
      from o
    )
    select ${orderColumns(tx)} from o`;
  return row;
}
