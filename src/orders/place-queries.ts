import type { Queryable } from "../infra/db.ts";
import { ORDERS_QUEUE } from "../outbox/outbox.ts";
import { orderColumns, type OrderRow } from "./queries.ts";

/**
 * The sequence value a shop day's order numbers count from (see migration 00006). Taken
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

/** The products of an order as they are now (not locked), for deciding on a coupon. */
export async function productsOf(sql: Queryable, ids: number[]) {
  return await sql<
    { id: number; name: string; stock: number; active: boolean; priceCents: number }[]
  >`select id, name, stock, active, price_cents from products where id = any(${ids}::int[])`;
}

export interface TakeOrder {
  userId: number;
  /** Summed per product, in product-id order. */
  lines: { productId: number; quantity: number }[];
  pickupAt: Date;
  pickupAsap: boolean;
  note: string;
  currency: string;
  day: string;
  dayBase: number;
  idempotency: { key: string; hash: string } | null;
  /** Decided on by the caller, who holds the coupon's row lock; the subtotal it assumed. */
  coupon: { id: number; code: string; discountCents: number; subtotalCents: number } | null;
}

/** What the database found for each product asked for (for the words of a shortage). */
export interface LockedProduct {
  id: number;
  name: string;
  stock: number;
  active: boolean;
}

export type TakeResult =
  | { placed: true; order: OrderRow; stock: { id: number; stock: number }[] }
  | { placed: false; products: LockedProduct[] };

/**
 * Places an order in one statement: the products' rows are locked in product-id order (as
 * every writer of stock takes them, so checkouts and cancellations cannot deadlock), and
 * only when every line has its stock (and the prices still make the subtotal a coupon was
 * decided on) are the stock taken, the order, its lines, the coupon's use, its first
 * history row, its `order.placed` event and its idempotency key written. Otherwise nothing
 * is written and the locked rows say what was short. Run outside a transaction, the locks
 * are held only while the server runs the statement: a hot product's row never waits on a
 * round trip to the app. A key used before (or by a request still running) fails the
 * statement with a unique violation on `idempotency_keys_pkey`, once that request ended.
 */
export async function takeOrder(sql: Queryable, input: TakeOrder): Promise<TakeResult> {
  const ids = input.lines.map((l) => l.productId);
  const quantities = input.lines.map((l) => l.quantity);
  const coupon = input.coupon;
  const expectedSubtotal = coupon?.subtotalCents ?? null;
  const [row] = await sql<
    (Partial<OrderRow> & { taken: { id: number; stock: number }[]; locked: LockedProduct[] })[]
  >`
    with want as materialized (
      select product_id, quantity
      from unnest(${ids}::int[], ${quantities}::int[]) as w (product_id, quantity)
    ),
    locked as materialized (
      select id, name, stock, active, price_cents, allergens
      from products where id = any(${ids}::int[])
      order by id
      for update
    ),
    enough as materialized (
      select coalesce(sum(l.price_cents * w.quantity), 0)::int as subtotal
      from locked l join want w on w.product_id = l.id
      where l.active and l.stock >= w.quantity
      having count(*) = ${ids.length}
    ),
    go as materialized (
      select subtotal from enough
      where ${expectedSubtotal}::int is null or subtotal = ${expectedSubtotal}::int
    ),
    taken as (
      update products p set stock = p.stock - w.quantity, updated_at = now()
      from want w, go
      where p.id = w.product_id
      returning p.id, p.stock
    ),
    o as (
      insert into orders (code, code_day, user_id, pickup_at, pickup_asap, note, subtotal_cents,
        discount_cents, total_cents, currency, coupon_id, coupon_code)
      select order_code(nextval('order_code_seq') - ${input.dayBase}::bigint), ${input.day},
        ${input.userId}, ${input.pickupAt}, ${input.pickupAsap}, ${input.note}, go.subtotal,
        ${coupon?.discountCents ?? 0}, go.subtotal - ${coupon?.discountCents ?? 0},
        ${input.currency}, ${coupon?.id ?? null}::int, ${coupon?.code ?? null}::text
      from go
      returning *
    ),
    items as (
      insert into order_items (order_id, product_id, name, unit_price_cents, allergens, quantity)
      select o.id, l.id, l.name, l.price_cents, l.allergens, w.quantity
      from o, locked l join want w on w.product_id = l.id
    ),
    coupon_use as (
      update coupons set redeemed_count = redeemed_count + 1
      where id = (select coupon_id from o)
    ),
    redemption as (
      insert into coupon_redemptions (coupon_id, order_id, user_id)
      select coupon_id, id, user_id from o where coupon_id is not null
    ),
    history as (
      insert into order_status_history (order_id, from_status, to_status, actor_id)
      select id, null, 'placed', user_id from o
    ),
    event as (
      insert into outbox (message_id, queue, type, payload)
      select ${crypto.randomUUID()}::uuid, ${ORDERS_QUEUE}, 'order.placed',
        json_build_object('orderId', id)
      from o
    ),
    claim as (
      insert into idempotency_keys (user_id, key, request_hash, order_id)
      select user_id, ${input.idempotency?.key ?? null}::text,
        ${input.idempotency?.hash ?? null}::text, id
      from o where ${input.idempotency?.key ?? null}::text is not null
    )
    select ${orderColumns(sql)},
      (select coalesce(json_agg(json_build_object('id', id, 'stock', stock)), '[]')
       from taken) as taken,
      (select json_agg(json_build_object(
         'id', id, 'name', name, 'stock', stock, 'active', active)) from locked) as locked
    from (select) one left join o on true`;
  const { taken, locked, ...order } = row;
  if (order.id === null || order.id === undefined) return { placed: false, products: locked ?? [] };
  return { placed: true, order: order as OrderRow, stock: taken };
}
