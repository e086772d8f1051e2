import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  api,
  expectError,
  expectOrder,
  order,
  people,
  type Person,
} from "../../tests/orders-support.ts";
import {
  at,
  bakeryAt,
  bakeryConfig,
  dailyProduct,
  FRIDAY,
  madeToOrder,
  planRow,
  SATURDAY,
  shelfProduct,
} from "../../tests/bakery-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";

/** The bakery's admin API: who may use it, bake plans per date and product schedules. */

let base: TestContext;
let t: TestContext;
let admin: Person;
let staff: Person;
let customer: Person;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  [admin] = await people(t, 1, "admin");
  [staff] = await people(t, 1, "staff");
  [customer] = await people(t, 1);
});
afterAll(() => base?.close());

const audits = async (action: string) =>
  (await t.sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = ${action}`)[
    0
  ]
    .n;

describe("who may use it", () => {
  const routes: [string, string, unknown?][] = [
    ["GET", `/admin/bake-plan/${FRIDAY}`],
    ["PUT", `/admin/bake-plan/${FRIDAY}`, { items: [{ productId: 1, quantity: 1 }] }],
    ["PUT", "/admin/products/1/schedule", { kind: "daily" }],
    ["GET", "/admin/pickup-settings"],
    ["PUT", "/admin/pickup-settings", { ordersPerSlot: 1 }],
    ["GET", "/admin/closures"],
    ["POST", "/admin/closures", { from: FRIDAY, reason: "No" }],
    ["DELETE", "/admin/closures/1"],
    ["PUT", "/admin/opening-hours", {}],
  ];

  it("refuses customers and staff (403) and strangers (401), changing nothing", async () => {
    for (const [method, path, body] of routes) {
      for (const who of [customer, staff]) {
        const res = await api(t, who, method, path, body);
        expect(res.status, `${who.role} ${method} ${path}`).toBe(403);
      }
      const res = await t.app.request(`/api/v1${path}`, {
        method,
        headers: { "Sec-Fetch-Site": "same-origin" },
      });
      expect(res.status, `anonymous ${method} ${path}`).toBe(401);
    }
    expect(await audits("closure.added")).toBe(0);
    const [settings] = await t.sql<{ ordersPerSlot: number | null }[]>`
      select orders_per_slot from pickup_settings`;
    expect(settings.ordersPerSlot).toBeNull();
  });

  it("takes the admin's browser session, with CSRF protection on changes", async () => {
    const cookie = { Cookie: `${ACCESS_COOKIE}=${admin.token}` };
    const request = (method: string, headers: Record<string, string>) =>
      t.app.request("/api/v1/admin/pickup-settings", {
        method,
        headers: { ...cookie, "Content-Type": "application/json", ...headers },
        body: method === "GET" ? undefined : JSON.stringify({ horizonDays: 10 }),
      });
    expect((await request("GET", {})).status).toBe(200);
    expect((await request("PUT", {})).status).toBe(403);
    expect((await request("PUT", { "Sec-Fetch-Site": "cross-site" })).status).toBe(403);
    expect((await request("PUT", { Origin: "https://evil.example" })).status).toBe(403);
    expect(await audits("pickup_settings.changed")).toBe(0);
    const ok = await request("PUT", { "Sec-Fetch-Site": "same-origin" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ horizonDays: 10 });
    // A customer's session is no key to it.
    const theirs = await t.app.request("/api/v1/admin/pickup-settings", {
      headers: { Cookie: `${ACCESS_COOKIE}=${customer.token}` },
    });
    expect(theirs.status).toBe(403);
    await api(t, admin, "PUT", "/admin/pickup-settings", { horizonDays: 14 });
  });
});

describe("the bake plan of a date", () => {
  it("lists planned, ordered and left per product, and what each slot needs, as JSON and CSV", async () => {
    const bread = await dailyProduct(t, 20);
    const cake = await madeToOrder(t, 24);
    const [ann, bob] = await people(t, 2);
    const first = await expectOrder(
      await order(t, ann, {
        items: [{ productId: bread.id, quantity: 3 }, { productId: cake.id, quantity: 1 }],
        pickupAt: at(FRIDAY, "08:00"),
      }),
    );
    const second = await expectOrder(
      await order(t, bob, {
        items: [{ productId: bread.id, quantity: 2 }],
        pickupAt: at(FRIDAY, "09:30"),
      }),
    );
    const res = await api(t, admin, "GET", `/admin/bake-plan/${FRIDAY}`);
    expect(res.status).toBe(200);
    const plan = await res.json();
    expect(plan.date).toBe(FRIDAY);
    expect(plan.items.find((i: { productId: number }) => i.productId === bread.id)).toMatchObject({
      kind: "daily",
      planned: 20,
      ordered: 5,
      remaining: 15,
      followsPar: true,
      soldOutAt: null,
    });
    expect(plan.items.find((i: { productId: number }) => i.productId === cake.id)).toMatchObject({
      kind: "made_to_order",
      planned: null,
      ordered: 1,
      remaining: null,
    });
    expect(plan.slots).toEqual([
      {
        at: at(FRIDAY, "08:00"),
        orders: 1,
        codes: [first.code],
        items: expect.arrayContaining([
          expect.objectContaining({ productId: bread.id, quantity: 3, codes: [first.code] }),
          expect.objectContaining({ productId: cake.id, quantity: 1 }),
        ]),
      },
      {
        at: at(FRIDAY, "09:30"),
        orders: 1,
        codes: [second.code],
        items: [expect.objectContaining({ productId: bread.id, quantity: 2 })],
      },
    ]);

    const csv = await api(t, admin, "GET", `/admin/bake-plan/${FRIDAY}`, undefined, {
      Accept: "text/csv",
    });
    expect(csv.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const rows = (await csv.text()).trim().split("\r\n");
    expect(rows[0]).toBe("date,slot,product_id,product,planned,ordered,remaining,order_codes");
    expect(rows).toContain(`${FRIDAY},all day,${bread.id},${bread.name},20,5,15,`);
    expect(rows).toContain(`${FRIDAY},09:30,${bread.id},${bread.name},,2,,${second.code}`);
  });

  it("sets a date's plan, refusing a plan below what is ordered (all or nothing)", async () => {
    const loaf = await dailyProduct(t, 10);
    const bun = await dailyProduct(t, 10);
    const [ann] = await people(t, 1);
    await expectOrder(
      await order(t, ann, {
        items: [{ productId: loaf.id, quantity: 6 }],
        pickupAt: at(SATURDAY, "10:00"),
      }),
    );
    const error = await expectError(
      await api(t, admin, "PUT", `/admin/bake-plan/${SATURDAY}`, {
        items: [{ productId: bun.id, quantity: 25 }, { productId: loaf.id, quantity: 4 }],
      }),
      409,
      "plan_below_ordered",
    );
    expect(error.fields).toEqual({
      "items.1.quantity":
        `${loaf.name}: 6 already ordered for Sat 19 Apr, so the plan cannot be lower than 6.`,
    });
    expect(await planRow(t, bun.id, SATURDAY)).toBeNull();
    expect(await planRow(t, loaf.id, SATURDAY)).toMatchObject({ planned: 10, ordered: 6 });

    const ok = await api(t, admin, "PUT", `/admin/bake-plan/${SATURDAY}`, {
      items: [{ productId: bun.id, quantity: 25 }, { productId: loaf.id, quantity: 6 }],
    });
    expect(ok.status).toBe(200);
    const plan = await ok.json();
    expect(plan.items.find((i: { productId: number }) => i.productId === loaf.id)).toMatchObject({
      planned: 6,
      ordered: 6,
      remaining: 0,
      followsPar: false,
      soldOutAt: expect.any(String),
    });
    expect(await planRow(t, bun.id, SATURDAY)).toEqual({ planned: 25, ordered: 0, remaining: 25 });
    expect(await audits("plan.changed")).toBe(1);
    // The shop sees it at once.
    const shop = await (await api(t, customer, "GET", `/products/${bun.id}?date=${SATURDAY}`))
      .json();
    expect(shop.available).toBe(25);
  });

  it.each([
    ["a date that is not a date", "2031-02-30", { items: [{ productId: 1, quantity: 1 }] }, "date"],
    ["a past date", "2031-04-15", { items: [{ productId: 1, quantity: 1 }] }, "date"],
    [
      "a negative quantity",
      FRIDAY,
      { items: [{ productId: 1, quantity: -1 }] },
      "items.0.quantity",
    ],
    [
      "an absurd quantity",
      FRIDAY,
      { items: [{ productId: 1, quantity: 1e9 }] },
      "items.0.quantity",
    ],
    ["no items", FRIDAY, { items: [] }, "items"],
    ["a product named twice", FRIDAY, {
      items: [{ productId: 1, quantity: 1 }, { productId: 1, quantity: 2 }],
    }, "items.1.productId"],
  ])("refuses %s with a field message", async (_, date, body, field) => {
    const res = await api(t, admin, "PUT", `/admin/bake-plan/${date}`, body);
    const error = await expectError(res, 400, "validation_failed");
    expect(error.fields?.[field], JSON.stringify(error)).toEqual(expect.any(String));
    expect(await audits("plan.changed")).toBe(1);
  });

  it("refuses a plan for a product that is not daily", async () => {
    const jam = await shelfProduct(t, 3);
    const error = await expectError(
      await api(t, admin, "PUT", `/admin/bake-plan/${FRIDAY}`, {
        items: [{ productId: jam.id, quantity: 4 }],
      }),
      400,
      "validation_failed",
    );
    expect(error.fields).toEqual({
      "items.0.productId": `${jam.name} is not a daily product, so it has no plan per date.`,
    });
  });
});

describe("a product's schedule", () => {
  it("switches a shelf product to daily with a par, and dates follow the par", async () => {
    const tart = await shelfProduct(t, 4);
    const res = await api(t, admin, "PUT", `/admin/products/${tart.id}/schedule`, {
      kind: "daily",
      par: { mon: 6, tue: 6, wed: 6, thu: 6, fri: 8, sat: 12, sun: 0 },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      productId: tart.id,
      kind: "daily",
      leadTimeHours: 0,
      par: { mon: 6, tue: 6, wed: 6, thu: 6, fri: 8, sat: 12, sun: 0 },
    });
    const shop = await (await api(t, customer, "GET", `/products/${tart.id}?date=${SATURDAY}`))
      .json();
    expect(shop).toMatchObject({ kind: "daily", available: 12, stock: 6 });
    const [ann] = await people(t, 1);
    await expectOrder(
      await order(t, ann, {
        items: [{ productId: tart.id, quantity: 9 }],
        pickupAt: at(SATURDAY, "11:00"),
      }),
    );
    const error = await expectError(
      await api(t, admin, "PUT", `/admin/products/${tart.id}/schedule`, { par: { sat: 5 } }),
      409,
      "plan_below_ordered",
    );
    expect(error.fields).toEqual({
      "par.sat":
        `${tart.name}: 9 already ordered for Sat 19 Apr, so the plan cannot be lower than 9.`,
    });
    const raised = await api(t, admin, "PUT", `/admin/products/${tart.id}/schedule`, {
      par: { sat: 15 },
    });
    expect(raised.status).toBe(200);
    expect(await planRow(t, tart.id, SATURDAY)).toEqual({ planned: 15, ordered: 9, remaining: 6 });
  });

  it("refuses bad values and unknown products", async () => {
    const jam = await shelfProduct(t, 3);
    for (
      const body of [
        { kind: "frozen" },
        { leadTimeHours: -1 },
        { leadTimeHours: 10_000 },
        { par: { mon: -3 } },
        { par: { someday: 3 } },
        { colour: "red" },
      ]
    ) {
      const res = await api(t, admin, "PUT", `/admin/products/${jam.id}/schedule`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    await expectError(
      await api(t, admin, "PUT", "/admin/products/999999/schedule", { kind: "daily" }),
      404,
      "not_found",
    );
  });
});
