import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  api,
  type ApiError,
  type ApiOrder,
  expectError,
  order,
  people,
  type Person,
  productsWithStock,
  stockOf,
} from "../../tests/orders-support.ts";
import { ensureCoupon } from "./queries.ts";
import { type Coupon, type CouponContext, couponDiscount, couponRefusal } from "./rules.ts";

/** Coupons: the rules one by one, then redemptions counted like stock through the API. */

const now = new Date("2026-05-10T10:00:00Z");
const coupon = (changes: Partial<Coupon> = {}): Coupon => ({
  id: 1,
  code: "CRUMB",
  description: "",
  kind: "percent",
  amount: 10,
  minSubtotalCents: 0,
  validFrom: null,
  validUntil: null,
  maxRedemptions: null,
  redeemedCount: 0,
  perCustomerLimit: null,
  regularsMinOrders: null,
  active: true,
  ...changes,
});
const context = (changes: Partial<CouponContext> = {}): CouponContext => ({
  now,
  subtotalCents: 2000,
  customerRedemptions: 0,
  pickedUpOrders: 0,
  money: (cents) => `€${(cents / 100).toFixed(2)}`,
  date: (at) => at.toISOString().slice(0, 10),
  ...changes,
});

describe("couponRefusal", () => {
  it("accepts a plain active coupon", () => {
    expect(couponRefusal(coupon(), context())).toBeNull();
  });

  it("refuses an inactive coupon", () => {
    expect(couponRefusal(coupon({ active: false }), context())).toMatch(/no longer active/);
  });

  it("refuses before valid_from and accepts from that instant on", () => {
    const from = new Date("2026-05-11T00:00:00Z");
    expect(couponRefusal(coupon({ validFrom: from }), context())).toBe(
      "This coupon can be used from 2026-05-11.",
    );
    expect(couponRefusal(coupon({ validFrom: from }), context({ now: from }))).toBeNull();
  });

  it("refuses from valid_until on, and accepts just before", () => {
    const until = new Date("2026-05-10T10:00:00Z");
    expect(couponRefusal(coupon({ validUntil: until }), context())).toBe(
      "This coupon expired on 2026-05-10.",
    );
    expect(
      couponRefusal(coupon({ validUntil: until }), context({ now: new Date(until.getTime() - 1) })),
    ).toBeNull();
  });

  it("refuses a coupon used up, and accepts the last use", () => {
    expect(couponRefusal(coupon({ maxRedemptions: 3, redeemedCount: 3 }), context())).toMatch(
      /used up/,
    );
    expect(couponRefusal(coupon({ maxRedemptions: 3, redeemedCount: 2 }), context())).toBeNull();
  });

  it("refuses past the per-customer limit", () => {
    expect(couponRefusal(coupon({ perCustomerLimit: 1 }), context({ customerRedemptions: 1 })))
      .toBe("You have already used this coupon.");
    expect(couponRefusal(coupon({ perCustomerLimit: 2 }), context({ customerRedemptions: 2 })))
      .toBe("You have already used this coupon 2 times.");
    expect(couponRefusal(coupon({ perCustomerLimit: 2 }), context({ customerRedemptions: 1 })))
      .toBeNull();
  });

  it("is for regulars only with N picked-up orders", () => {
    const regulars = coupon({ regularsMinOrders: 3 });
    expect(couponRefusal(regulars, context({ pickedUpOrders: 2 }))).toMatch(
      /for regulars: it needs 3 collected orders \(you have 2\)/,
    );
    expect(couponRefusal(regulars, context({ pickedUpOrders: 3 }))).toBeNull();
  });

  it("needs the minimum subtotal", () => {
    const minimum = coupon({ minSubtotalCents: 1500 });
    expect(couponRefusal(minimum, context({ subtotalCents: 1499 }))).toBe(
      "This coupon needs an order of at least €15.00.",
    );
    expect(couponRefusal(minimum, context({ subtotalCents: 1500 }))).toBeNull();
  });
});

describe("couponDiscount", () => {
  it("rounds a percentage to the nearest cent", () => {
    expect(couponDiscount(coupon({ amount: 10 }), 1005)).toBe(101); // 100.5
    expect(couponDiscount(coupon({ amount: 10 }), 1004)).toBe(100); // 100.4
    expect(couponDiscount(coupon({ amount: 15 }), 333)).toBe(50); // 49.95
    expect(couponDiscount(coupon({ amount: 100 }), 1234)).toBe(1234);
  });

  it("never takes a fixed amount above the subtotal", () => {
    expect(couponDiscount(coupon({ kind: "fixed", amount: 500 }), 2000)).toBe(500);
    expect(couponDiscount(coupon({ kind: "fixed", amount: 500 }), 300)).toBe(300);
  });
});

describe("coupons through the API", () => {
  let t: TestContext;
  let crowd: Person[];
  let productId: number;
  let priceCents: number;

  beforeAll(async () => {
    t = await createTestContext({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
    crowd = await people(t, 24);
    const [product] = await productsWithStock(t, [1000]);
    productId = product.id;
    priceCents = product.priceCents;
  });
  afterAll(() => t?.close());

  const withCoupon = (who: Person, couponCode: string, quantity = 1) =>
    order(t, who, { items: [{ productId, quantity }], couponCode });
  const redeemed = async (code: string) => {
    const [row] = await t.sql<{ redeemedCount: number; redemptions: number }[]>`
      select redeemed_count,
        (select count(*)::int from coupon_redemptions r where r.coupon_id = c.id) as redemptions
      from coupons c where code = ${code}`;
    return row;
  };

  it("gives a single-use coupon to exactly one of 20 customers at once", async () => {
    await ensureCoupon(t.sql, { code: "ONLYONE", kind: "percent", amount: 50, maxRedemptions: 1 });
    const before = await stockOf(t, productId);
    const answers = await Promise.all(
      crowd.slice(0, 20).map(async (who) => {
        const res = await withCoupon(who, "onlyone");
        return { status: res.status, body: await res.json() };
      }),
    );
    const placed = answers.filter((a) => a.status === 201).map((a) => a.body as ApiOrder);
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({
      couponCode: "ONLYONE",
      subtotalCents: priceCents,
      discountCents: Math.round(priceCents / 2),
      totalCents: priceCents - Math.round(priceCents / 2),
    });
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused).toHaveLength(19);
    for (const { status, body } of refused) {
      expect(status).toBe(400);
      expect((body as ApiError).error).toMatchObject({
        code: "coupon_refused",
        message: expect.stringMatching(/used up/),
        fields: { couponCode: expect.stringMatching(/used up/) },
      });
    }
    expect(await redeemed("ONLYONE")).toEqual({ redeemedCount: 1, redemptions: 1 });
    // The refused orders took nothing.
    expect(await stockOf(t, productId)).toBe(before - 1);
  });

  it("keeps to the per-customer limit, for that customer only", async () => {
    await ensureCoupon(t.sql, {
      code: "ONCEEACH",
      kind: "fixed",
      amount: 100,
      perCustomerLimit: 1,
    });
    const [me, you] = [crowd[20], crowd[21]];
    expect((await withCoupon(me, "ONCEEACH")).status).toBe(201);
    const error = await expectError(await withCoupon(me, "ONCEEACH"), 400, "coupon_refused");
    expect(error.message).toBe("You have already used this coupon.");
    expect((await withCoupon(you, "onceeach")).status).toBe(201);
    expect(await redeemed("ONCEEACH")).toEqual({ redeemedCount: 2, redemptions: 2 });
  });

  it("gives the redemption back when the order is cancelled", async () => {
    await ensureCoupon(t.sql, { code: "GIVEBACK", kind: "percent", amount: 20, maxRedemptions: 1 });
    const [me, you] = [crowd[22], crowd[23]];
    const res = await withCoupon(me, "GIVEBACK");
    expect(res.status).toBe(201);
    const mine = (await res.json()) as ApiOrder;
    await expectError(await withCoupon(you, "GIVEBACK"), 400, "coupon_refused");

    const cancelled = await api(t, me, "POST", `/orders/${mine.id}/cancel`, {
      reason: "changed plans",
    });
    expect(cancelled.status).toBe(200);
    expect(await redeemed("GIVEBACK")).toEqual({ redeemedCount: 0, redemptions: 0 });
    const yours = await withCoupon(you, "GIVEBACK");
    expect(yours.status).toBe(201);
    expect(((await yours.json()) as ApiOrder).couponCode).toBe("GIVEBACK");
    expect(await redeemed("GIVEBACK")).toEqual({ redeemedCount: 1, redemptions: 1 });
  });

  it("refuses unknown, inactive, expired and too-small uses without taking stock", async () => {
    await ensureCoupon(t.sql, { code: "SLEEPING", kind: "percent", amount: 5, active: false });
    await ensureCoupon(t.sql, {
      code: "BYGONE",
      kind: "percent",
      amount: 5,
      validFrom: new Date("2020-01-01T00:00:00Z"),
      validUntil: new Date("2020-02-01T00:00:00Z"),
    });
    await ensureCoupon(t.sql, {
      code: "BIGBASKET",
      kind: "fixed",
      amount: 300,
      minSubtotalCents: priceCents * 5,
    });
    await ensureCoupon(t.sql, {
      code: "REGULARS",
      kind: "fixed",
      amount: 100,
      regularsMinOrders: 1,
    });
    const before = await stockOf(t, productId);
    const cases: [string, RegExp][] = [
      ["NOSUCHCODE", /no coupon with that code/],
      ["SLEEPING", /no longer active/],
      ["BYGONE", /expired/],
      ["BIGBASKET", /needs an order of at least/],
      ["REGULARS", /for regulars/],
    ];
    for (const [code, message] of cases) {
      const error = await expectError(await withCoupon(crowd[0], code), 400, "coupon_refused");
      expect(error.message).toMatch(message);
    }
    expect(await stockOf(t, productId)).toBe(before);
    // Five in the basket reach the minimum.
    const big = await withCoupon(crowd[0], "BIGBASKET", 5);
    expect(big.status).toBe(201);
    expect(((await big.json()) as ApiOrder).discountCents).toBe(300);
  });

  it("lets a regular use the regulars' coupon once they have picked up an order", async () => {
    const me = crowd[0]; // refused REGULARS above, with no order picked up then
    const [picked] = await t.sql<{ n: number }[]>`
      with done as (update orders set status = 'picked_up' where user_id = ${me.id} returning 1)
      select count(*)::int as n from done`;
    expect(picked.n).toBeGreaterThan(0);
    const res = await withCoupon(me, "REGULARS");
    expect(res.status).toBe(201);
    expect(((await res.json()) as ApiOrder).discountCents).toBe(Math.min(100, priceCents));
  });
});
