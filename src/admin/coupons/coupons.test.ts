import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import {
  expectError,
  order,
  type Person,
  person,
  productsWithStock,
} from "../../../tests/orders-support.ts";
import {
  expectAdminOnly,
  htmxTarget,
  type SignedIn,
  signedIn,
  textOf,
} from "../../../tests/admin-people.ts";

/** Coupons with every rule of the engine, checked as typed, kept as checkout applies them. */

let t: TestContext;
let admin: SignedIn;
let productId: number;

const form = (values: Record<string, string> = {}) => ({
  code: "",
  description: "",
  kind: "percent",
  amount: "",
  minSubtotal: "",
  validFrom: "",
  validUntil: "",
  maxRedemptions: "",
  perCustomerLimit: "",
  regularsMinOrders: "",
  active: "on",
  ...values,
});

interface CouponRow {
  id: number;
  code: string;
  description: string;
  kind: string;
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

const couponByCode = async (code: string) =>
  (await t.sql<CouponRow[]>`select * from coupons where upper(code) = upper(${code})`)[0];

async function create(values: Record<string, string>) {
  const { res } = await admin.browser.post("/admin/coupons", form(values));
  expect(res.status).toBe(303);
  const coupon = await couponByCode(values.code);
  expect(res.headers.get("Location")).toBe(`/admin/coupons/${coupon.id}?done=created`);
  return coupon;
}

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
  admin = await signedIn(t, "admin");
  [{ id: productId }] = await productsWithStock(t, [1000]);
});
afterAll(() => t?.close());

describe("access", () => {
  it("refuses customers and staff on every coupon route", async () => {
    await expectAdminOnly(t, [
      ["GET", "/admin/coupons"],
      ["GET", "/admin/coupons/new"],
      ["POST", "/admin/coupons"],
      ["GET", "/admin/coupons/1"],
      ["POST", "/admin/coupons/1"],
      ["POST", "/admin/coupons/1/active"],
    ], [await signedIn(t, "customer"), await signedIn(t, "staff")]);
    expect(await t.sql`select 1 from coupons`).toHaveLength(0);
  });
});

describe("creating", () => {
  it("takes a percentage with every rule, dates on the shop's clock, and audits it", async () => {
    const c = await create({
      code: "summer-25",
      description: "Summer <special>",
      amount: "25",
      minSubtotal: "10.00",
      validFrom: "2031-06-01",
      validUntil: "2031-06-30 18:00",
      maxRedemptions: "100",
      perCustomerLimit: "1",
      regularsMinOrders: "3",
    });
    expect(c).toMatchObject({
      code: "SUMMER-25",
      description: "Summer <special>",
      kind: "percent",
      amount: 25,
      minSubtotalCents: 1000,
      validFrom: new Date("2031-05-31T22:00:00Z"),
      validUntil: new Date("2031-06-30T16:00:00Z"),
      maxRedemptions: 100,
      redeemedCount: 0,
      perCustomerLimit: 1,
      regularsMinOrders: 3,
      active: true,
    });
    const [audit] = await t.sql<{ details: { code: string } }[]>`
      select details from audit_log where action = 'coupon.created' and entity_id = ${
      String(c.id)
    }`;
    expect(audit.details.code).toBe("SUMMER-25");
    const page = await admin.browser.get(`/admin/coupons/${c.id}?done=created`);
    expect(textOf(page.html)).toContain("The coupon was created.");
    expect(page.html).toContain("Summer &lt;special&gt;");
    expect(page.html).toContain('value="2031-06-01"');
    expect(page.html).toContain('value="2031-06-30 18:00"');
    expect(page.html).toContain('value="10.00"');
  });

  it("takes a fixed amount as money, a date-only end as that whole day, and inactive", async () => {
    const c = await create({
      code: "TWOFIFTY",
      kind: "fixed",
      amount: "2.5",
      validUntil: "2031-12-31",
      active: "",
    });
    expect(c).toMatchObject({ kind: "fixed", amount: 250, active: false, validFrom: null });
    expect(c.validUntil).toEqual(new Date("2031-12-31T22:59:59.999Z"));
    expect(c).toMatchObject({ maxRedemptions: null, perCustomerLimit: null });
    const page = await admin.browser.get(`/admin/coupons/${c.id}`);
    expect(page.html).toContain('value="2031-12-31"');
    expect(page.html).toContain('value="2.50"');
  });

  it("shows every mistake at once, next to its field, with what was typed kept", async () => {
    const { res, html } = await admin.browser.post(
      "/admin/coupons",
      form({
        code: "a!",
        amount: "150",
        minSubtotal: "ten",
        validFrom: "2031-13-01",
        validUntil: "soon",
        maxRedemptions: "0",
        perCustomerLimit: "1.5",
        regularsMinOrders: "-2",
        description: "x".repeat(201),
      }),
    );
    expect(res.status).toBe(422);
    const text = textOf(html);
    for (
      const message of [
        "Please correct the fields marked below.",
        "Use 3 to 32 letters, digits, hyphens or underscores.",
        "Give a whole percentage from 1 to 100.",
        "Give an amount of money such as 10.00.",
        "Give a date as YYYY-MM-DD, or a date and time as YYYY-MM-DD HH:MM.",
        "Give a whole number from 1, or leave it empty for no limit.",
        "Give a number of collected orders from 1, or leave it empty for everyone.",
        "Keep the description under 200 characters.",
      ]
    ) expect(text).toContain(message);
    expect(html).toContain('value="a!"');
    expect(html).toContain('value="2031-13-01"');
    expect(html).toContain('aria-invalid="true"');
    expect(await couponByCode("a!")).toBeUndefined();
  });

  it("checks fixed amounts, the order of the dates and the code's uniqueness in any case", async () => {
    await create({ code: "UNIQUE1", amount: "5" });
    const cases: [Record<string, string>, string][] = [
      [{ code: "FIX1", kind: "fixed", amount: "2.505" }, "Give an amount of money such as 2.50."],
      [{ code: "FIX2", kind: "fixed", amount: "0" }, "Give an amount of money such as 2.50."],
      [{ code: "PCT0", amount: "0" }, "Give a whole percentage from 1 to 100."],
      [
        { code: "DATES", amount: "5", validFrom: "2031-06-02", validUntil: "2031-06-01" },
        "The end must be later than the start.",
      ],
      [
        {
          code: "SAME",
          amount: "5",
          validFrom: "2031-06-01 10:00",
          validUntil: "2031-06-01 10:00",
        },
        "The end must be later than the start.",
      ],
      [{ code: "unique1", amount: "5" }, "Another coupon already uses this code."],
    ];
    for (const [values, message] of cases) {
      const { res, html } = await admin.browser.post("/admin/coupons", form(values));
      expect({ values, status: res.status }).toEqual({ values, status: 422 });
      expect(textOf(html)).toContain(message);
    }
  });

  it("with htmx: a refused form swaps itself with its errors, a created one redirects", async () => {
    const headers = htmxTarget("coupon-form", "form");
    const bad = await admin.browser.request("/admin/coupons", {
      form: form({ code: "HX1", amount: "" }),
      headers,
    });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toMatch(/^<form id="coupon-form"/);
    expect(textOf(bad.html)).toContain("Give a whole percentage from 1 to 100.");
    const ok = await admin.browser.request("/admin/coupons", {
      form: form({ code: "HX1", amount: "10" }),
      headers,
    });
    expect(ok.res.status).toBe(204);
    const { id } = await couponByCode("HX1");
    expect(ok.res.headers.get("HX-Redirect")).toBe(`/admin/coupons/${id}?done=created`);
  });
});

describe("editing, deactivating and the orders that used it", () => {
  let buyer: Person;
  let couponId: number;

  const checkout = (code: string) =>
    order(t, buyer, { items: [{ productId, quantity: 1 }], couponCode: code });

  beforeAll(async () => {
    buyer = await person(t);
    await t.sql`update users set name = 'Rita Redeemer' where id = ${buyer.id}`;
    couponId = (await create({ code: "LOYAL", kind: "fixed", amount: "0.50" })).id;
  });

  it("lists the orders that used a coupon, a page at a time, and counts them", async () => {
    const codes: string[] = [];
    for (let i = 0; i < 26; i++) {
      const res = await checkout("loyal");
      expect(res.status).toBe(201);
      codes.push(((await res.json()) as { code: string }).code);
    }
    const first = await admin.browser.get(`/admin/coupons/${couponId}`);
    expect(textOf(first.html)).toContain("Orders that used it (26)");
    expect(textOf(first.html)).toContain("Rita Redeemer");
    expect(first.html.match(/href="\/admin\/orders\/\d+"/g)).toHaveLength(25);
    expect(first.html).toContain(`href="/admin/coupons/${couponId}?page=2"`);
    const second = await admin.browser.get(`/admin/coupons/${couponId}?page=2`);
    expect(second.html.match(/href="\/admin\/orders\/\d+"/g)).toHaveLength(1);
    expect(textOf(second.html)).toContain(codes[0]);
    expect(textOf(second.html)).toContain("€0.50");
    const list = await admin.browser.get("/admin/coupons?q=loyal");
    expect(textOf(list.html)).toContain("26 / no limit");
  });

  it("saves new rules, audits what changed, and never sets a limit below the uses", async () => {
    const low = await admin.browser.post(
      `/admin/coupons/${couponId}`,
      form({ code: "LOYAL", kind: "fixed", amount: "0.50", maxRedemptions: "10" }),
    );
    expect(low.res.status).toBe(422);
    expect(textOf(low.html)).toContain("It has been used 26 times: the limit cannot be lower.");
    expect(low.html).toContain('value="10"');

    const taken = await admin.browser.post(
      `/admin/coupons/${couponId}`,
      form({ code: "summer-25", kind: "fixed", amount: "0.50" }),
    );
    expect(textOf(taken.html)).toContain("Another coupon already uses this code.");

    const { res } = await admin.browser.post(
      `/admin/coupons/${couponId}`,
      form({ code: "loyal", kind: "fixed", amount: "0.75", maxRedemptions: "30" }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/coupons/${couponId}?done=saved`);
    expect(await couponByCode("LOYAL")).toMatchObject({
      amount: 75,
      maxRedemptions: 30,
      redeemedCount: 26,
      active: true,
    });
    const [audit] = await t.sql<{ details: { changes: Record<string, unknown> } }[]>`
      select details from audit_log where action = 'coupon.updated'
      and entity_id = ${String(couponId)}`;
    expect(audit.details.changes).toEqual({ amount: [50, 75], maxRedemptions: [null, 30] });
    const page = await admin.browser.get(`/admin/coupons/${couponId}?done=saved`);
    expect(textOf(page.html)).toContain("The coupon's rules were saved.");
    expect(textOf(page.html)).toContain("26 / 30");
  });

  it("deactivates: checkout refuses it as no longer active; reactivating lets it work again", async () => {
    const off = await admin.browser.post(`/admin/coupons/${couponId}/active`, {
      active: "false",
    });
    expect(off.res.status).toBe(303);
    expect(off.res.headers.get("Location")).toBe(`/admin/coupons/${couponId}?done=deactivated`);
    const refused = await expectError(await checkout("LOYAL"), 400, "coupon_refused");
    expect(refused.message).toBe("This coupon is no longer active.");
    const page = await admin.browser.get(`/admin/coupons/${couponId}?done=deactivated`);
    expect(textOf(page.html)).toContain("Reactivate");

    await admin.browser.post(`/admin/coupons/${couponId}/active`, { active: "true" });
    expect((await checkout("LOYAL")).status).toBe(201);
    const actions = await t.sql<{ action: string }[]>`
      select action from audit_log where entity_type = 'coupon'
      and entity_id = ${String(couponId)} and action like 'coupon.%activated' order by id`;
    expect(actions.map((a) => a.action)).toEqual(["coupon.deactivated", "coupon.reactivated"]);
  });

  it("answers 404 for a coupon that does not exist", async () => {
    expect((await admin.browser.get("/admin/coupons/999999")).res.status).toBe(404);
    const { res } = await admin.browser.post("/admin/coupons/999999/active", { active: "false" });
    expect(res.status).toBe(404);
  });
});
