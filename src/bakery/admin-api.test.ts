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
  MONDAY,
  planRow,
  SATURDAY,
  seatsAt,
  shelfProduct,
  SUNDAY,
  THURSDAY,
  TODAY,
} from "../../tests/bakery-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";

/** The bakery's admin API: plans, schedules, pickup settings, the calendar; admins only. */

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

describe("pickup settings and the calendar", () => {
  it("changes settings, and refuses values out of range", async () => {
    expect(await (await api(t, admin, "GET", "/admin/pickup-settings")).json()).toEqual({
      slotMinutes: 15,
      ordersPerSlot: null,
      horizonDays: 14,
      nextDayCutoff: null,
    });
    for (
      const body of [
        { slotMinutes: 7 },
        { slotMinutes: 0 },
        { ordersPerSlot: 0 },
        { horizonDays: 400 },
        { nextDayCutoff: "25:00" },
      ]
    ) {
      const res = await api(t, admin, "PUT", "/admin/pickup-settings", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const res = await api(t, admin, "PUT", "/admin/pickup-settings", {
      horizonDays: 7,
      nextDayCutoff: "18:00",
    });
    expect(await res.json()).toEqual({
      slotMinutes: 15,
      ordersPerSlot: null,
      horizonDays: 7,
      nextDayCutoff: "18:00",
    });
    const days = (await (await api(t, customer, "GET", "/pickup/days")).json()).days;
    expect(days).toHaveLength(7);
    await api(t, admin, "PUT", "/admin/pickup-settings", { horizonDays: 14, nextDayCutoff: null });
  });

  it("a capacity counts the seats of orders already booked, and refuses past it", async () => {
    const jam = await shelfProduct(t, 10);
    const [ann, bob] = await people(t, 2);
    const slot = at(THURSDAY, "11:30");
    for (const who of [ann, bob]) {
      await expectOrder(
        await order(t, who, { items: [{ productId: jam.id, quantity: 1 }], pickupAt: slot }),
      );
    }
    // Unlimited: no seat row is kept (checkouts do not queue on one row for nothing).
    expect(await seatsAt(t, slot)).toBe(0);
    await api(t, admin, "PUT", "/admin/pickup-settings", { ordersPerSlot: 2 });
    try {
      expect(await seatsAt(t, slot)).toBe(2);
      await expectError(
        await order(t, ann, { items: [{ productId: jam.id, quantity: 1 }], pickupAt: slot }),
        409,
        "slot_full",
      );
    } finally {
      await api(t, admin, "PUT", "/admin/pickup-settings", { ordersPerSlot: null });
    }
  });

  it("a new slot length gives booked orders seats in the new slots", async () => {
    const jam = await shelfProduct(t, 10);
    const [ann] = await people(t, 1);
    await api(t, admin, "PUT", "/admin/pickup-settings", { ordersPerSlot: 50 });
    await expectOrder(
      await order(t, ann, {
        items: [{ productId: jam.id, quantity: 1 }],
        pickupAt: at(THURSDAY, "10:15"),
      }),
    );
    expect(await seatsAt(t, at(THURSDAY, "10:15"))).toBe(1);
    await api(t, admin, "PUT", "/admin/pickup-settings", { slotMinutes: 30 });
    try {
      expect(await seatsAt(t, at(THURSDAY, "10:15"))).toBe(0);
      expect(await seatsAt(t, at(THURSDAY, "10:00"))).toBe(1);
      const slots =
        (await (await api(t, ann, "GET", `/pickup/slots?date=${THURSDAY}`)).json()).slots;
      expect(slots[0].at).toBe(at(THURSDAY, "07:00"));
      expect(slots[1].at).toBe(at(THURSDAY, "07:30"));
    } finally {
      await api(t, admin, "PUT", "/admin/pickup-settings", {
        slotMinutes: 15,
        ordersPerSlot: null,
      });
    }
  });

  it("closes a date: the shop says why, and the orders already there are listed, not deleted", async () => {
    const jam = await shelfProduct(t, 10);
    const [ann] = await people(t, 1);
    const booked = await expectOrder(
      await order(t, ann, {
        items: [{ productId: jam.id, quantity: 1 }],
        pickupAt: at(MONDAY, "09:00"),
      }),
    );
    const res = await api(t, admin, "POST", "/admin/closures", {
      from: MONDAY,
      reason: "Closed for the village fair",
    });
    expect(res.status).toBe(201);
    const { closure, orders } = await res.json();
    expect(closure).toEqual({
      id: expect.any(Number),
      from: MONDAY,
      to: MONDAY,
      reason: "Closed for the village fair",
    });
    expect(orders).toEqual([
      expect.objectContaining({ id: booked.id, code: booked.code, status: "placed" }),
    ]);
    const days = (await (await api(t, customer, "GET", "/pickup/days")).json()).days;
    expect(days.find((d: { date: string }) => d.date === MONDAY)).toEqual({
      date: MONDAY,
      open: false,
      opens: null,
      closes: null,
      reason: "Closed for the village fair",
      orderable: false,
      orderBy: null,
    });
    expect(days.find((d: { date: string }) => d.date === SUNDAY)).toMatchObject({
      open: false,
      reason: "Closed on Sundays",
    });
    await expectError(
      await order(t, ann, {
        items: [{ productId: jam.id, quantity: 1 }],
        pickupAt: at(MONDAY, "10:00"),
      }),
      422,
      "closed",
    );
    const [still] = await t.sql<
      { status: string }[]
    >`select status from orders where id = ${booked.id}`;
    expect(still.status).toBe("placed");
    const list = await (await api(t, admin, "GET", "/admin/closures")).json();
    expect(list.items).toEqual([{ ...closure, openOrders: 1 }]);

    expect((await api(t, admin, "DELETE", `/admin/closures/${closure.id}`)).status).toBe(204);
    await expectError(
      await api(t, admin, "DELETE", `/admin/closures/${closure.id}`),
      404,
      "not_found",
    );
    expect(await audits("closure.added")).toBe(1);
    expect(await audits("closure.removed")).toBe(1);
  });

  it.each([
    [{ from: "2031-04-10", reason: "Too late" }, "from"],
    [{ from: FRIDAY, to: THURSDAY, reason: "Backwards" }, "to"],
    [{ from: FRIDAY, to: "2033-01-01", reason: "Too long" }, "to"],
    [{ from: "18/04/2031", reason: "Not a date" }, "from"],
    [{ from: FRIDAY, reason: "" }, "reason"],
    [{ from: FRIDAY, reason: "x".repeat(201) }, "reason"],
  ])("refuses a closure %j with a message at %s", async (body, field) => {
    const error = await expectError(
      await api(t, admin, "POST", "/admin/closures", body),
      400,
      "validation_failed",
    );
    expect(error.fields?.[field]).toEqual(expect.any(String));
  });

  it("sets the usual week and special hours for a date", async () => {
    const week = await (await api(t, admin, "GET", "/admin/opening-hours")).json();
    expect(week).toMatchObject({ mon: { opens: "07:00", closes: "18:00" }, sun: null });
    const bad = await api(t, admin, "PUT", "/admin/opening-hours", {
      ...week,
      tue: { opens: "18:00", closes: "07:00" },
    });
    expect(bad.status).toBe(400);
    const sunday = { opens: "08:00", closes: "12:00" };
    expect((await api(t, admin, "PUT", "/admin/opening-hours", { ...week, sun: sunday })).status)
      .toBe(200);
    const days = (await (await api(t, customer, "GET", "/pickup/days")).json()).days;
    expect(days.find((d: { date: string }) => d.date === SUNDAY)).toMatchObject({
      open: true,
      opens: "08:00",
      closes: "12:00",
    });
    await api(t, admin, "PUT", "/admin/opening-hours", week);

    const special = await api(t, admin, "PUT", `/admin/special-hours/${FRIDAY}`, {
      opens: "09:00",
      closes: "10:00",
      note: "Late start",
    });
    expect(special.status).toBe(200);
    const slots =
      (await (await api(t, customer, "GET", `/pickup/slots?date=${FRIDAY}`)).json()).slots;
    expect(slots.map((s: { at: string }) => s.at)).toEqual([
      at(FRIDAY, "09:00"),
      at(FRIDAY, "09:15"),
      at(FRIDAY, "09:30"),
      at(FRIDAY, "09:45"),
    ]);
    expect((await api(t, admin, "DELETE", `/admin/special-hours/${FRIDAY}`)).status).toBe(204);
    await expectError(
      await api(t, admin, "PUT", `/admin/special-hours/${TODAY}`, {
        opens: "10:00",
        closes: "09:00",
      }),
      400,
      "validation_failed",
    );
  });
});
