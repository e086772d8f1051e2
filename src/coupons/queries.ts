import type { Queryable } from "../infra/db.ts";
import type { Coupon } from "./rules.ts";

const columns = (sql: Queryable) =>
  sql`
    id, code, description, kind, amount, min_subtotal_cents, valid_from, valid_until,
    max_redemptions, redeemed_count, per_customer_limit, regulars_min_orders, active`;

/** A coupon by code (any capitals); `lock` holds it until the transaction ends. */
export async function findCoupon(sql: Queryable, code: string, lock = false) {
  const [row] = await sql<Coupon[]>`
    select ${columns(sql)} from coupons where upper(code) = upper(${code})
    ${lock ? sql`for update` : sql``}`;
  return row ?? null;
}

/** How often this customer used the coupon, and how many orders they have picked up. */
export async function couponHistory(sql: Queryable, couponId: number, userId: number) {
  const [row] = await sql<{ customerRedemptions: number; pickedUpOrders: number }[]>`
    select
      (select count(*)::int from coupon_redemptions
        where coupon_id = ${couponId} and user_id = ${userId}) as customer_redemptions,
      (select count(*)::int from orders
        where user_id = ${userId} and status = 'picked_up') as picked_up_orders`;
  return row;
}

/** Counts one use; the table's check refuses a use past the limit. */
export async function redeemCoupon(
  sql: Queryable,
  redemption: { couponId: number; orderId: number; userId: number },
) {
  await sql`update coupons set redeemed_count = redeemed_count + 1 where id = ${redemption.couponId}`;
  await sql`
    insert into coupon_redemptions (coupon_id, order_id, user_id)
    values (${redemption.couponId}, ${redemption.orderId}, ${redemption.userId})`;
}

/** Gives a use back (the order was cancelled). */
export async function releaseCoupon(sql: Queryable, orderId: number) {
  const [row] = await sql<{ couponId: number }[]>`
    delete from coupon_redemptions where order_id = ${orderId} returning coupon_id`;
  if (row) {
    await sql`update coupons set redeemed_count = redeemed_count - 1 where id = ${row.couponId}`;
  }
}

export interface NewCoupon {
  code: string;
  description?: string;
  kind: "percent" | "fixed";
  amount: number;
  minSubtotalCents?: number;
  validFrom?: Date | null;
  validUntil?: Date | null;
  maxRedemptions?: number | null;
  perCustomerLimit?: number | null;
  regularsMinOrders?: number | null;
  active?: boolean;
}

/** Inserts a coupon unless its code exists; returns the id either way. */
export async function ensureCoupon(sql: Queryable, c: NewCoupon): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    with inserted as (
      insert into coupons (code, description, kind, amount, min_subtotal_cents, valid_from,
        valid_until, max_redemptions, per_customer_limit, regulars_min_orders, active)
      values (${c.code}, ${c.description ?? ""}, ${c.kind}, ${c.amount},
        ${c.minSubtotalCents ?? 0}, ${c.validFrom ?? null}, ${c.validUntil ?? null},
        ${c.maxRedemptions ?? null}, ${c.perCustomerLimit ?? null},
        ${c.regularsMinOrders ?? null}, ${c.active ?? true})
      on conflict do nothing
      returning id
    )
    select id from inserted
    union all select id from coupons where upper(code) = upper(${c.code})
    limit 1`;
  return row.id;
}
