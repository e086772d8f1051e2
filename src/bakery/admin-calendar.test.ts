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
  FRIDAY,
  MONDAY,
  seatsAt,
  shelfProduct,
  SUNDAY,
  THURSDAY,
  TODAY,
} from "../../tests/bakery-support.ts";

/** The bakery's admin API: pickup settings and the opening calendar. */

let base: TestContext;
let t: TestContext;
let admin: Person;
let customer: Person;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  [admin] = await people(t, 1, "admin");
  [customer] = await people(t, 1);
});
afterAll(() => base?.close());

const audits = async (action: string) =>
  (await t.sql<{ n: number }[]>`select count(*)::int as n from audit_log where action = ${action}`)[
    0
  ]
    .n;

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
    [{ from: FRIDAY, reason: "Closed\u0000" }, "reason"],
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
