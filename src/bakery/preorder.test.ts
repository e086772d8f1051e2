import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  api,
  expectError,
  expectOrder,
  order,
  people,
  type Person,
  stockOf,
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
  setSettings,
  shelfProduct,
  SUNDAY,
  THURSDAY,
  TODAY,
} from "../../tests/bakery-support.ts";
import { sseClient } from "../../tests/sse-client.ts";

/** Pre-orders through the API: each date its own plan, seats in slots, and every refusal. */

let base: TestContext;
let t: TestContext;
let ann: Person;
let bob: Person;
let staff: Person;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  [ann, bob] = await people(t, 2);
  [staff] = await people(t, 1, "staff");
});
afterAll(() => base?.close());

const line = (productId: number, quantity = 1) => ({ items: [{ productId, quantity }] });
const ordersCount = async () =>
  (await t.sql<{ n: number }[]>`select count(*)::int as n from orders`)[0].n;
const productOn = async (id: number, date?: string) => {
  const res = await api(t, ann, "GET", `/products/${id}${date ? `?date=${date}` : ""}`);
  expect(res.status).toBe(200);
  return await res.json();
};

describe("daily products: each date has its own plan", () => {
  it("an order for Saturday takes Saturday's plan, never today's, and the other way round", async () => {
    const bread = await dailyProduct(t, 10);
    await expectOrder(
      await order(t, ann, { ...line(bread.id, 4), pickupAt: at(SATURDAY, "10:00") }),
    );
    expect(await planRow(t, bread.id, SATURDAY)).toEqual({ planned: 10, ordered: 4, remaining: 6 });
    expect(await planRow(t, bread.id, TODAY)).toBeNull();
    expect((await productOn(bread.id)).stock).toBe(10);
    expect(await productOn(bread.id, SATURDAY)).toMatchObject({
      kind: "daily",
      stock: 10,
      date: SATURDAY,
      available: 6,
      orderable: true,
      reason: null,
    });

    await expectOrder(await order(t, bob, { ...line(bread.id, 3), pickupAt: at(TODAY, "11:00") }));
    expect((await productOn(bread.id)).stock).toBe(7);
    expect((await productOn(bread.id, SATURDAY)).available).toBe(6);
    expect((await productOn(bread.id, FRIDAY)).available).toBe(10);
  });

  it("refuses more than the date has left, naming it, and writes nothing", async () => {
    const bread = await dailyProduct(t, 5);
    await expectOrder(
      await order(t, ann, { ...line(bread.id, 2), pickupAt: at(SATURDAY, "09:00") }),
    );
    const before = { orders: await ordersCount(), seats: await seatsAt(t, at(SATURDAY, "09:15")) };
    const error = await expectError(
      await order(t, bob, { ...line(bread.id, 4), pickupAt: at(SATURDAY, "09:15") }),
      409,
      "insufficient_stock",
    );
    expect(error.items).toEqual([{
      productId: bread.id,
      name: bread.name,
      requested: 4,
      available: 3,
    }]);
    expect(error.message).toBe(
      `Not enough stock: only 3 ${bread.name} left for Sat 19 Apr (you asked for 4). Nothing was ordered; your cart is unchanged.`,
    );
    expect(await planRow(t, bread.id, SATURDAY)).toMatchObject({ ordered: 2, remaining: 3 });
    expect({ orders: await ordersCount(), seats: await seatsAt(t, at(SATURDAY, "09:15")) })
      .toEqual(before);
  });
});

describe("made to order", () => {
  it("needs its lead time: a cake for the day after tomorrow, not tomorrow", async () => {
    const cake = await madeToOrder(t, 48);
    const error = await expectError(
      await order(t, ann, { ...line(cake.id), pickupAt: at(THURSDAY, "16:00") }),
      422,
      "lead_time",
    );
    expect(error.message).toBe(
      `${cake.name} needs 48 hours' notice: the earliest pickup for it is Fri 18 Apr at 10:00.`,
    );
    expect(error.fields).toEqual({ pickupAt: error.message });
    expect(await productOn(cake.id, THURSDAY)).toMatchObject({
      kind: "made_to_order",
      leadTimeHours: 48,
      stock: null,
      available: null,
      orderable: false,
      reason: `${cake.name} needs 48 hours' notice. Order by Wed 17:45 for Fri 18 Apr.`,
    });
    const placed = await expectOrder(
      await order(t, ann, {
        items: [{ productId: cake.id, quantity: 3 }],
        pickupAt: at(FRIDAY, "10:00"),
      }),
    );
    expect(placed.items).toEqual([expect.objectContaining({ productId: cake.id, quantity: 3 })]);
    const [item] = await t.sql<{ source: string }[]>`
      select source from order_items where order_id = ${placed.id}`;
    expect(item.source).toBe("none");
  });
});

describe("refusals with their codes, nothing written", () => {
  it.each([
    [
      "a Sunday (closed every week)",
      at(SUNDAY, "10:00"),
      422,
      "closed",
      "We are closed on Sun 20 Apr: Closed on Sundays.",
    ],
    [
      "beyond the horizon",
      at("2031-05-10", "10:00"),
      422,
      "beyond_horizon",
      "We take orders up to 14 days ahead, so for Tue 29 Apr at the latest.",
    ],
    [
      "off the slot grid",
      at(SATURDAY, "10:07"),
      400,
      "validation_failed",
      expect.stringMatching(/no longer possible/),
    ],
    [
      "in the past",
      at("2031-04-15", "10:00"),
      400,
      "validation_failed",
      "That date is in the past.",
    ],
    ["not a time", "2031-04-19", 400, "validation_failed", "Choose a pickup time from the list."],
  ])("%s", async (_, pickupAt, status, code, message) => {
    const jam = await shelfProduct(t, 5);
    const before = await ordersCount();
    const error = await expectError(
      await order(t, ann, { ...line(jam.id), pickupAt }),
      status,
      code,
    );
    expect(error.message).toEqual(message);
    expect(error.fields?.pickupAt).toEqual(error.message);
    expect(await ordersCount()).toBe(before);
    expect(await stockOf(t, jam.id)).toBe(5);
  });

  it("a closed date says why, and its orders are not touched", async () => {
    const jam = await shelfProduct(t, 5);
    await t.sql`
      insert into closures (starts_on, ends_on, reason) values (${MONDAY}, ${MONDAY}, 'Bank holiday')`;
    await expectError(
      await order(t, ann, { ...line(jam.id), pickupAt: at(MONDAY, "10:00") }),
      422,
      "closed",
    );
    await t.sql`delete from closures`;
  });

  it("after the cut-off, tomorrow takes no orders; the day after does", async () => {
    const jam = await shelfProduct(t, 5);
    await setSettings(t, { cutoff: 9 * 60 }); // 09:00; it is 10:00
    try {
      const error = await expectError(
        await order(t, ann, { ...line(jam.id), pickupAt: at(THURSDAY, "10:00") }),
        422,
        "cutoff",
      );
      expect(error.message).toBe("Orders for tomorrow (Thu 17 Apr) closed at 09:00 today.");
      await expectOrder(await order(t, ann, { ...line(jam.id), pickupAt: at(FRIDAY, "10:00") }));
    } finally {
      await setSettings(t, { cutoff: null });
    }
  });

  it("refuses negative or absurd quantities", async () => {
    const jam = await shelfProduct(t, 5);
    for (const quantity of [-1, 0, 100, 1e12, 2.5]) {
      const error = await expectError(
        await order(t, ann, { ...line(jam.id, quantity), pickupAt: at(FRIDAY, "10:00") }),
        400,
        "validation_failed",
      );
      expect(error.fields?.["items.0.quantity"], String(quantity)).toEqual(expect.any(String));
    }
    expect(await stockOf(t, jam.id)).toBe(5);
  });
});

describe("pickup capacity", () => {
  it("a full slot refuses with slot_full; staff may book over it, on the record", async () => {
    const jam = await shelfProduct(t, 50);
    const slot = at(FRIDAY, "11:00");
    await setSettings(t, { ordersPerSlot: 2 });
    try {
      await expectOrder(await order(t, ann, { ...line(jam.id), pickupAt: slot }));
      await expectOrder(await order(t, bob, { ...line(jam.id), pickupAt: slot }));
      const before = await ordersCount();
      const error = await expectError(
        await order(t, ann, { ...line(jam.id), pickupAt: slot }),
        409,
        "slot_full",
      );
      expect(error.message).toBe(
        "The pickup time 11:00 on Fri 18 Apr is fully booked. Please choose another time.",
      );
      const slots = await (await api(t, ann, "GET", `/pickup/slots?date=${FRIDAY}`)).json();
      expect(slots.slots.find((s: { at: string }) => s.at === slot)).toEqual({
        at: slot,
        capacity: 2,
        remaining: 0,
        available: false,
      });
      // A customer cannot ask to go over; nothing is written.
      await expectError(
        await order(t, ann, { ...line(jam.id), pickupAt: slot, overCapacity: true }),
        403,
        "forbidden",
      );
      expect(await ordersCount()).toBe(before);
      expect(await stockOf(t, jam.id)).toBe(48);

      const over = await expectOrder(
        await order(t, staff, { ...line(jam.id), pickupAt: slot, overCapacity: true }),
      );
      expect(await seatsAt(t, slot)).toBe(3);
      const [entry] = await t.sql<{ actorId: number; details: Record<string, unknown> }[]>`
        select actor_id, details from audit_log
        where action = 'order.over_capacity' and entity_id = ${String(over.id)}`;
      expect(entry).toEqual({ actorId: staff.id, details: { slot, capacity: 2, taken: 3 } });
      // Staff without the override are refused like anyone.
      await expectError(
        await order(t, staff, { ...line(jam.id), pickupAt: slot }),
        409,
        "slot_full",
      );
    } finally {
      await setSettings(t, { ordersPerSlot: null });
    }
  });
});

describe("cancelling", () => {
  it("gives back the date's plan, the shelf stock and the seat", async () => {
    await setSettings(t, { ordersPerSlot: 10 });
    const bread = await dailyProduct(t, 8);
    const jam = await shelfProduct(t, 6);
    const slot = at(SATURDAY, "12:00");
    const placed = await expectOrder(
      await order(t, ann, {
        items: [{ productId: bread.id, quantity: 3 }, { productId: jam.id, quantity: 2 }],
        pickupAt: slot,
      }),
    );
    expect(await planRow(t, bread.id, SATURDAY)).toMatchObject({ ordered: 3, remaining: 5 });
    expect(await stockOf(t, jam.id)).toBe(4);
    expect(await seatsAt(t, slot)).toBe(1);
    const res = await api(t, ann, "POST", `/orders/${placed.id}/cancel`, {});
    expect(res.status).toBe(200);
    expect(await planRow(t, bread.id, SATURDAY)).toMatchObject({ ordered: 0, remaining: 8 });
    expect(await stockOf(t, jam.id)).toBe(6);
    expect(await seatsAt(t, slot)).toBe(0);
    await setSettings(t, { ordersPerSlot: null });
  });
});

describe("live remaining per date", () => {
  it("an order for Saturday reaches pages showing Saturday, not today's", async () => {
    const bread = await dailyProduct(t, 9);
    const saturday = await t.app.request(`/events/stock?date=${SATURDAY}`);
    const today = await t.app.request("/events/stock");
    expect(saturday.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const sat = sseClient(saturday);
    const now = sseClient(today);
    await sat.until((f) => f.id === "stock");
    await now.until((f) => f.id === "stock");
    await expectOrder(
      await order(t, ann, { ...line(bread.id, 2), pickupAt: at(SATURDAY, "13:00") }),
    );
    const frame = await sat.until((f) => f.data?.includes(`stock-${bread.id}`) ?? false);
    expect(frame.data).toContain(`data-stock="7"`);
    // The same order on today's page would be wrong: it must not arrive there.
    await expectOrder(await order(t, bob, { ...line(bread.id, 1), pickupAt: at(TODAY, "15:00") }));
    const todays = await now.until((f) => f.data?.includes(`stock-${bread.id}`) ?? false);
    expect(todays.data).toContain(`data-stock="8"`);
    await sat.cancel();
    await now.cancel();
  });

  it("refuses a date stream for a bad or past date", async () => {
    for (const date of ["tomorrow", "2031-04-15", "2031-06-01"]) {
      const res = await t.app.request(`/events/stock?date=${date}`);
      expect(res.status, date).toBe(400);
      await res.body?.cancel();
    }
  });
});
