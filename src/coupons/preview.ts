import type { Queryable } from "../infra/db.ts";
import { couponHistory, findCoupon } from "./queries.ts";
import { couponDiscount, couponRefusal } from "./rules.ts";

export type CouponPreview =
  | { ok: true; code: string; description: string; discountCents: number }
  | { ok: false; problem: string };

/** What a coupon would take off this subtotal now (checked again when the order is placed). */
export async function previewCoupon(
  sql: Queryable,
  input: {
    code: string;
    userId: number;
    subtotalCents: number;
    now: Date;
    money: (cents: number) => string;
    date: (at: Date) => string;
  },
): Promise<CouponPreview> {
  const coupon = await findCoupon(sql, input.code);
  if (!coupon) return { ok: false, problem: "There is no coupon with that code." };
  const problem = couponRefusal(coupon, {
    now: input.now,
    subtotalCents: input.subtotalCents,
    ...await couponHistory(sql, coupon.id, input.userId),
    money: input.money,
    date: input.date,
  });
  if (problem) return { ok: false, problem };
  return {
    ok: true,
    code: coupon.code,
    description: coupon.description,
    discountCents: couponDiscount(coupon, input.subtotalCents),
  };
}
