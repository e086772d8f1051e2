import type { Sql } from "../infra/db.ts";
import { ensureCoupon, type NewCoupon } from "./queries.ts";

/** Two coupons the demo shop hands out: one for newcomers, one for regulars. */
export const demoCoupons: NewCoupon[] = [
  {
    code: "WELCOME10",
    description: "10% off your first order of €10 or more",
    kind: "percent",
    amount: 10,
    minSubtotalCents: 1000,
    perCustomerLimit: 1,
  },
  {
    code: "REGULAR5",
    description: "€5 off an order of €20 or more, for customers with 3 collected orders",
    kind: "fixed",
    amount: 500,
    minSubtotalCents: 2000,
    regularsMinOrders: 3,
  },
];

export async function seedDemoCoupons(sql: Sql) {
  for (const coupon of demoCoupons) await ensureCoupon(sql, coupon);
}
