import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  type ApiOrder,
  order,
  people,
  type Person,
  productsWithStock,
  stockOf,
} from "../../tests/orders-support.ts";
import { ensureCoupon } from "../coupons/queries.ts";

/**
 * Orders with coupons taken at once: the coupon's limits hold, cancellations giving uses
 * back never deadlock with checkouts.
 */

let t: TestContext;
let crowd: Person[];

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
  crowd = await people(t, 12);
});
afterAll(() => t?.close());

const redemptions = async (code: string) => {
  const [row] = await t.sql<{ redeemedCount: number; uses: number }[]>`
    select redeemed_count,
      (select count(*)::int from coupon_redemptions r where r.coupon_id = c.id) as uses
    from coupons c where code = ${code}`;
  return row;
};

describe("one customer sending ten orders with a once-each coupon at once", () => {
  it("gets the discount on exactly one; the others are refused and take nothing", async () => {
    await ensureCoupon(t.sql, {
      code: "ONCE-RUSH",
      kind: "fixed",
      amount: 50,
      perCustomerLimit: 1,
    });
    const [loaf] = await productsWithStock(t, [100]);
    const me = crowd[0];
    const statuses = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          order(t, me, { items: [{ productId: loaf.id, quantity: 1 }], couponCode: "ONCE-RUSH" })
            .then((res) => res.status),
      ),
    );
    expect(statuses.toSorted()).toEqual([201, ...Array(9).fill(400)]);
    expect(await redemptions("ONCE-RUSH")).toEqual({ redeemedCount: 1, uses: 1 });
    expect(await stockOf(t, loaf.id)).toBe(99);
  });
});

describe("cancellations giving coupon uses back while others order with the coupon", () => {
  it("never deadlock, and uses and stock add up", async () => {
    await ensureCoupon(t.sql, { code: "BUSY", kind: "percent", amount: 10 });
    const products = await productsWithStock(t, [100, 100, 100]);
    const lines = (reversed: boolean) =>
      (reversed ? [...products].reverse() : products).map((p) => ({
        productId: p.id,
        quantity: 1,
      }));
    const first = await Promise.all(crowd.map(async (who, i) => {
      const res = await order(t, who, { items: lines(i % 2 === 0), couponCode: "BUSY" });
      expect(res.status).toBe(201);
      return (await res.json()) as ApiOrder;
    }));
    const answers = await Promise.all([
      ...first.map((o, i) =>
        Promise.resolve(t.app.request(`/api/v1/orders/${o.id}/cancel`, {
          method: "POST",
          headers: { Authorization: `Bearer ${crowd[i].token}` },
        })).then((r) => r.status)
      ),
      ...crowd.map((who, i) =>
        order(t, who, { items: lines(i % 2 === 1), couponCode: "BUSY" }).then((r) => r.status)
      ),
    ]);
    expect(answers).toEqual([...first.map(() => 200), ...crowd.map(() => 201)]);
    expect(await redemptions("BUSY")).toEqual({
      redeemedCount: crowd.length,
      uses: crowd.length,
    });
    for (const p of products) expect(await stockOf(t, p.id)).toBe(100 - crowd.length);
  });
});
