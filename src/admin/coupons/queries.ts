import type { Queryable } from "../../infra/db.ts";
import type { Coupon } from "../../coupons/rules.ts";
import type { OrderStatus } from "../../orders/status.ts";
import type { CouponInput } from "./schema.ts";
import { containing } from "../shared/lists.ts";

/** Coupons as admins manage them: pages of them, one to edit, the orders that used it. */

export type AdminCoupon = Coupon & { createdAt: Date };

const columns = (sql: Queryable) =>
  sql`
    id, code, description, kind, amount, min_subtotal_cents, valid_from, valid_until,
    max_redemptions, redeemed_count, per_customer_limit, regulars_min_orders, active, created_at`;

/** One page of coupons, active ones and the newest first. */
export async function listCoupons(
  sql: Queryable,
  filters: { q?: string },
  page: { limit: number; offset: number },
): Promise<{ coupons: AdminCoupon[]; total: number }> {
  const where = filters.q ? sql`where code ilike ${containing(filters.q)}` : sql``;
  const [{ total }] = await sql<{ total: number }[]>`
    select count(*)::int as total from coupons ${where}`;
  const coupons = total === 0 ? [] : await sql<AdminCoupon[]>`
    select ${columns(sql)} from coupons ${where}
    order by active desc, created_at desc, id desc
    limit ${page.limit} offset ${page.offset}`;
  return { coupons, total };
}

/** A coupon by id; `lock` holds it (and its redemption count) until the transaction ends. */
export async function findCouponById(
  sql: Queryable,
  id: number,
  lock = false,
): Promise<AdminCoupon | null> {
  const [row] = await sql<AdminCoupon[]>`
    select ${columns(sql)} from coupons where id = ${id} ${lock ? sql`for update` : sql``}`;
  return row ?? null;
}

/** Whether another coupon already has this code, whatever its capitals. */
export async function codeTaken(sql: Queryable, code: string, exceptId?: number) {
  const [row] = await sql<{ taken: boolean }[]>`
    select exists (
      select 1 from coupons where upper(code) = upper(${code})
      ${exceptId ? sql`and id <> ${exceptId}` : sql``}
    ) as taken`;
  return row.taken;
}

const ruleValues = (c: CouponInput) => ({
  code: c.code,
  description: c.description,
  kind: c.kind,
  amount: c.amount,
  min_subtotal_cents: c.minSubtotalCents,
  valid_from: c.validFrom,
  valid_until: c.validUntil,
  max_redemptions: c.maxRedemptions,
  per_customer_limit: c.perCustomerLimit,
  regulars_min_orders: c.regularsMinOrders,
});

/** A new coupon; null when its code is taken (the unique index decides, not a race). */
export async function insertCoupon(sql: Queryable, c: CouponInput): Promise<number | null> {
  const [row] = await sql<{ id: number }[]>`
    insert into coupons ${sql({ ...ruleValues(c), active: c.active })}
    on conflict do nothing
    returning id`;
  return row?.id ?? null;
}

/** New rules for a coupon (its active flag and redemption count are left as they are). */
export async function updateCoupon(sql: Queryable, id: number, c: CouponInput) {
  await sql`update coupons set ${sql(ruleValues(c))}, updated_at = now() where id = ${id}`;
}

export async function setCouponActive(sql: Queryable, id: number, active: boolean) {
  await sql`update coupons set active = ${active}, updated_at = now() where id = ${id}`;
}

export interface RedemptionRow {
  orderId: number;
  orderCode: string;
  codeDay: string;
  status: OrderStatus;
  customerId: number;
  customerName: string;
  customerEmail: string;
  redeemedAt: Date;
  discountCents: number;
}

/** The orders that used a coupon (uses given back by a cancellation are gone), newest first. */
export async function couponRedemptions(
  sql: Queryable,
  couponId: number,
  page: { limit: number; offset: number },
): Promise<{ redemptions: RedemptionRow[]; total: number }> {
  const [{ total }] = await sql<{ total: number }[]>`
    select count(*)::int as total from coupon_redemptions where coupon_id = ${couponId}`;
  const redemptions = total === 0 ? [] : await sql<RedemptionRow[]>`
    select o.id as order_id, o.code as order_code, o.code_day::text, o.status,
      u.id as customer_id, u.name as customer_name, u.email as customer_email,
      r.redeemed_at, o.discount_cents
    from coupon_redemptions r
      join orders o on o.id = r.order_id
      join users u on u.id = r.user_id
    where r.coupon_id = ${couponId}
    order by r.redeemed_at desc, r.order_id desc
    limit ${page.limit} offset ${page.offset}`;
  return { redemptions, total };
}
