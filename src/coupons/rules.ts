/** A coupon and the rules that decide whether it applies: one place, pure, easy to test. */
export interface Coupon {
  id: number;
  code: string;
  description: string;
  kind: "percent" | "fixed";
  /** Percent (1-100) or cents. */
  amount: number;
  minSubtotalCents: number;
  validFrom: Date | null;
  validUntil: Date | null;
  maxRedemptions: number | null;
  redeemedCount: number;
  perCustomerLimit: number | null;
  regularsMinOrders: number | null;
  active: boolean;
}

export interface CouponContext {
  now: Date;
  subtotalCents: number;
  /** Times this customer already used the coupon. */
  customerRedemptions: number;
  /** Orders this customer has picked up. */
  pickedUpOrders: number;
  money: (cents: number) => string;
  date: (at: Date) => string;
}

/** Why the coupon cannot be used, in words for the customer; null when it applies. */
export function couponRefusal(coupon: Coupon, ctx: CouponContext): string | null {
  if (!coupon.active) return "This coupon is no longer active.";
  if (coupon.validFrom && ctx.now < coupon.validFrom) {
    return `This coupon can be used from ${ctx.date(coupon.validFrom)}.`;
  }
  if (coupon.validUntil && ctx.now >= coupon.validUntil) {
    return `This coupon expired on ${ctx.date(coupon.validUntil)}.`;
  }
  if (coupon.maxRedemptions !== null && coupon.redeemedCount >= coupon.maxRedemptions) {
    return "This coupon has been used up.";
  }
  if (coupon.perCustomerLimit !== null && ctx.customerRedemptions >= coupon.perCustomerLimit) {
    return coupon.perCustomerLimit === 1
      ? "You have already used this coupon."
      : `You have already used this coupon ${coupon.perCustomerLimit} times.`;
  }
  if (coupon.regularsMinOrders !== null && ctx.pickedUpOrders < coupon.regularsMinOrders) {
    return `This coupon is for regulars: it needs ${coupon.regularsMinOrders} collected orders (you have ${ctx.pickedUpOrders}).`;
  }
  if (ctx.subtotalCents < coupon.minSubtotalCents) {
    return `This coupon needs an order of at least ${ctx.money(coupon.minSubtotalCents)}.`;
  }
  return null;
}

/** The discount in cents: never more than the subtotal. */
export function couponDiscount(coupon: Coupon, subtotalCents: number): number {
  const off = coupon.kind === "percent"
    ? Math.round((subtotalCents * coupon.amount) / 100)
    : coupon.amount;
  return Math.min(off, subtotalCents);
}
