import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  expectError,
  order,
  type Person,
  person,
  productsWithStock,
  stockOf,
} from "../../tests/orders-support.ts";
import { addDays, localParts, parseOpeningHours } from "../shop/hours.ts";
import {
  asap,
  offeredSlots,
  resolvePickup as resolve,
  type Rules,
  todayOf,
} from "../bakery/rules.ts";
import { createWords } from "../bakery/words.ts";
import { placeOrder } from "./place.ts";

/** Pickup times (the shop's clock, opening hours, prep time, DST) and the daily order codes. */

const zone = "Europe/Paris";
/** The shop's rules with only the usual week; `horizonDays` 2 is today and tomorrow. */
const rules = (
  hours = "mon-fri 07:00-18:30; sat 07:30-17:00; sun 08:00-13:00",
  horizonDays = 2,
) =>
(now: Date): Rules => ({
  calendar: { weekly: parseOpeningHours(hours), closures: [], special: [] },
  settings: { slotMinutes: 15, ordersPerSlot: null, horizonDays, nextDayCutoff: null },
  prepMinutes: 20,
  timeZone: zone,
  now,
  words: createWords({ locale: "en-GB", timeZone: zone }),
});
const shop = rules();
/** What the old "pickup choices" gave: ASAP and the slots of each day that takes orders. */
const pickupChoices = (now: Date, of: (now: Date) => Rules) => {
  const r = of(now);
  const today = todayOf(r);
  return {
    asap: asap(r)?.at ?? null,
    days: [today, addDays(today, 1)].map((date) => ({ date, slots: offeredSlots(r, date) })),
  };
};
const resolvePickup = (requested: string | undefined, now: Date, of: (now: Date) => Rules) => {
  const answer = resolve(of(now), requested);
  return "code" in answer
    ? { problem: answer.message, code: answer.code }
    : { at: answer.at, asap: answer.asap };
};
/** The shop's wall clock of an instant, as "YYYY-MM-DD HH:MM". */
const wall = (at: Date | null) => {
  if (!at) return null;
  const p = localParts(at, zone);
  const hh = String(Math.floor(p.minutes / 60)).padStart(2, "0");
  const mm = String(p.minutes % 60).padStart(2, "0");
  return `${p.date} ${hh}:${mm}${p.seconds ? `:${p.seconds}` : ""}`;
};
const at = (iso: string) => new Date(iso);

describe("ASAP", () => {
  // Wednesday 10 June 2026; Paris is UTC+2.
  it("is now + prep time while the shop is open", () => {
    expect(wall(pickupChoices(at("2026-06-10T08:00:00Z"), shop).asap)).toBe("2026-06-10 10:20");
  });

  it("is rounded up to the whole minute", () => {
    expect(wall(pickupChoices(at("2026-06-10T08:03:30Z"), shop).asap)).toBe("2026-06-10 10:24");
  });

  it("moves to opening time before the shop opens", () => {
    expect(wall(pickupChoices(at("2026-06-10T03:00:00Z"), shop).asap)).toBe("2026-06-10 07:00");
  });

  it("is tomorrow's opening when now + prep is past closing", () => {
    expect(wall(pickupChoices(at("2026-06-10T16:20:00Z"), shop).asap)).toBe("2026-06-11 07:00");
    // Saturday after 17:00: Sunday opens at 08:00.
    expect(wall(pickupChoices(at("2026-06-13T16:00:00Z"), shop).asap)).toBe("2026-06-14 08:00");
  });

  it("is never closing time itself, even after rounding up", () => {
    // 18:09:30 + 20 min = 18:29:30, which rounds up to 18:30: closed.
    expect(wall(pickupChoices(at("2026-06-10T16:09:30Z"), shop).asap)).toBe("2026-06-11 07:00");
    expect(wall(pickupChoices(at("2026-06-10T16:09:00Z"), shop).asap)).toBe("2026-06-10 18:29");
  });

  it("is impossible when the shop is closed every day it takes orders for", () => {
    const mondays = rules("mon 07:00-12:00");
    expect(pickupChoices(at("2026-06-10T08:00:00Z"), mondays).asap).toBeNull();
    expect(resolvePickup("asap", at("2026-06-10T08:00:00Z"), mondays)).toEqual({
      problem: "We have no pickup times left in the next 2 days.",
      code: "closed",
    });
  });

  it("skips closed days up to the horizon: Wednesday evening, open only on Mondays", () => {
    const mondays = rules("mon 07:00-12:00", 14);
    expect(wall(pickupChoices(at("2026-06-10T17:00:00Z"), mondays).asap)).toBe("2026-06-15 07:00");
  });
});

describe("slots", () => {
  const now = at("2026-06-10T08:00:00Z"); // Wednesday 10:00

  it("are 15-minute marks from now + prep, within opening hours, on each day that takes orders", () => {
    const { days } = pickupChoices(now, shop);
    expect(days.map((d) => d.date)).toEqual(["2026-06-10", "2026-06-11"]);
    const [today, tomorrow] = days.map((d) => d.slots.map(wall));
    expect(today[0]).toBe("2026-06-10 10:30");
    expect(today.at(-1)).toBe("2026-06-10 18:15");
    expect(today).toHaveLength(32);
    expect(tomorrow[0]).toBe("2026-06-11 07:00");
    expect(tomorrow.at(-1)).toBe("2026-06-11 18:15");
    expect(tomorrow).toHaveLength(46);
    for (const slot of days.flatMap((d) => d.slots)) {
      const p = localParts(slot, zone);
      expect(p.minutes % 15).toBe(0);
      expect(p.seconds).toBe(0);
      expect(slot.getTime()).toBeGreaterThanOrEqual(now.getTime() + 20 * 60_000);
    }
  });

  it("stay on the quarter hours when the shop opens at an odd minute", () => {
    const odd = rules("mon-sun 07:10-09:00");
    const [today] = pickupChoices(at("2026-06-10T03:00:00Z"), odd).days;
    expect(today.slots.map(wall)).toEqual([
      "2026-06-10 07:15",
      "2026-06-10 07:30",
      "2026-06-10 07:45",
      "2026-06-10 08:00",
      "2026-06-10 08:15",
      "2026-06-10 08:30",
      "2026-06-10 08:45",
    ]);
  });

  it("an offered slot is accepted, as an instant or as the shop's wall-clock time", () => {
    expect(resolvePickup("2026-06-10T08:30:00.000Z", now, shop)).toEqual({
      at: at("2026-06-10T08:30:00Z"),
      asap: false,
    });
    expect(resolvePickup("2026-06-10T10:30:00+02:00", now, shop)).toEqual({
      at: at("2026-06-10T08:30:00Z"),
      asap: false,
    });
    // No offset: the shop's clock (10:30 in Paris), whatever the server's zone is.
    expect(resolvePickup("2026-06-10T10:30", now, shop)).toEqual({
      at: at("2026-06-10T08:30:00Z"),
      asap: false,
    });
    expect(resolvePickup(undefined, now, shop)).toEqual({
      at: at("2026-06-10T08:20:00Z"),
      asap: true,
    });
    expect(resolvePickup("asap", now, shop)).toEqual({
      at: at("2026-06-10T08:20:00Z"),
      asap: true,
    });
  });

  it.each([
    ["too soon (before now + prep)", "2026-06-10T08:15:00Z"],
    ["in the past", "2026-06-10T06:00:00Z"],
    ["not on a 15-minute mark", "2026-06-10T08:40:00Z"],
    ["off the mark by seconds", "2026-06-10T08:30:30Z"],
    ["after closing", "2026-06-10T16:30:00Z"],
    ["before opening tomorrow", "2026-06-11T04:45:00Z"],
  ])("refuses a time %s with a message", (_, requested) => {
    const answer = resolvePickup(requested, now, shop);
    expect(answer).toEqual({
      problem: expect.stringMatching(/no longer possible/),
      code: "validation_failed",
    });
  });

  it("refuses a day past the horizon, and a past day, each in its own words", () => {
    expect(resolvePickup("2026-06-12T08:30:00Z", now, shop)).toEqual({
      problem: "We take orders up to 2 days ahead, so for Thu 11 Jun at the latest.",
      code: "beyond_horizon",
    });
    expect(resolvePickup("2026-06-09T08:30:00Z", now, shop)).toEqual({
      problem: "That date is in the past.",
      code: "validation_failed",
    });
    // Two weeks ahead, the day after tomorrow is a day like any other.
    expect(resolvePickup("2026-06-12T08:30:00Z", now, rules(undefined, 14))).toEqual({
      at: at("2026-06-12T08:30:00Z"),
      asap: false,
    });
  });

  it.each(["soon", "10:30", "2026-06-10", "2026-06-10T25:00", ""])(
    "refuses %j as not a time",
    (requested) => {
      const answer = resolvePickup(requested || "x", now, shop);
      expect(answer).toEqual({
        problem: expect.stringMatching(/choose a pickup time/i),
        code: "validation_failed",
      });
    },
  );
});

describe("days when the clocks change in Paris", () => {
  it("spring forward (Sunday 29 March 2026): local times stay right", () => {
    // 01:30 CET, half an hour before the clocks jump from 02:00 to 03:00.
    const choices = pickupChoices(at("2026-03-29T00:30:00Z"), shop);
    expect(choices.asap?.toISOString()).toBe("2026-03-29T06:00:00.000Z"); // 08:00 CEST
    const [sunday, monday] = choices.days;
    expect(sunday.slots.map(wall)[0]).toBe("2026-03-29 08:00");
    expect(sunday.slots.map(wall).at(-1)).toBe("2026-03-29 12:45");
    expect(sunday.slots).toHaveLength(20);
    expect(monday.slots[0].toISOString()).toBe("2026-03-30T05:00:00.000Z"); // 07:00 CEST
    // The Saturday before, still in winter time: 07:30 CET is 06:30Z.
    expect(pickupChoices(at("2026-03-28T03:00:00Z"), shop).asap?.toISOString()).toBe(
      "2026-03-28T06:30:00.000Z",
    );
    expect(resolvePickup("2026-03-29T09:00", at("2026-03-29T00:30:00Z"), shop)).toEqual({
      at: at("2026-03-29T07:00:00Z"),
      asap: false,
    });
  });

  it("fall back (Sunday 25 October 2026): local times stay right", () => {
    // 02:30 CEST, before the clocks go back from 03:00 to 02:00.
    const choices = pickupChoices(at("2026-10-25T00:30:00Z"), shop);
    expect(choices.asap?.toISOString()).toBe("2026-10-25T07:00:00.000Z"); // 08:00 CET
    const [sunday, monday] = choices.days;
    expect(sunday.date).toBe("2026-10-25");
    expect(sunday.slots.map(wall)[0]).toBe("2026-10-25 08:00");
    expect(sunday.slots).toHaveLength(20);
    for (const [i, slot] of sunday.slots.entries()) {
      expect(slot.getTime() - sunday.slots[0].getTime()).toBe(i * 15 * 60_000);
    }
    expect(monday.slots[0].toISOString()).toBe("2026-10-26T06:00:00.000Z"); // 07:00 CET
    expect(localParts(at("2026-10-25T00:30:00Z"), zone)).toMatchObject({
      date: "2026-10-25",
      minutes: 150,
      weekday: 0,
    });
    expect(localParts(at("2026-10-25T01:30:00Z"), zone).minutes).toBe(150); // 02:30 again
  });
});

describe("order codes", () => {
  it("the shop's day follows its time zone, not UTC", () => {
    expect(localParts(at("2026-06-10T22:30:00Z"), zone).date).toBe("2026-06-11");
    expect(localParts(at("2026-01-10T22:30:00Z"), zone).date).toBe("2026-01-10");
  });
});

describe("through the database", () => {
  let t: TestContext;
  let who: Person;

  beforeAll(async () => {
    // Open all day, so "as soon as possible" is never refused whatever the hour of the run.
    t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
    who = await person(t);
  });
  afterAll(() => t?.close());

  const placeOn = async (day: string, productId: number) =>
    (await placeOrder({
      sql: t.sql,
      currency: "EUR",
      shopDay: () => day,
      now: () => new Date(),
      money: (cents) => `€${cents / 100}`,
      date: (d) => d.toISOString(),
      rules: { timeZone: zone, prepMinutes: 0, words: t.services.words },
    }, {
      userId: who.id,
      items: [{ productId, quantity: 1 }],
      pickup: "asap",
    })).order.code;

  it("codes are a letter and three digits, the letter moving on every 999 orders", async () => {
    const codes = await t.sql<{ code: string }[]>`
      select order_code(n) as code from unnest(${[
      1,
      42,
      999,
      1000,
      1998,
      1999,
      25974,
      25975,
    ]}::bigint[]) n`;
    expect(codes.map((c) => c.code)).toEqual([
      "A-001",
      "A-042",
      "A-999",
      "B-001",
      "B-999",
      "C-001",
      "Z-999",
      "A-001",
    ]);
  });

  it("codes count up through the day and start again on a new shop day", async () => {
    const [loaf] = await productsWithStock(t, [100]);
    expect([await placeOn("2031-04-01", loaf.id), await placeOn("2031-04-01", loaf.id)]).toEqual([
      "A-001",
      "A-002",
    ]);
    expect(await placeOn("2031-04-02", loaf.id)).toBe("A-001");
    // Both days taking orders at once (around midnight): each day's codes still rise.
    const later = await placeOn("2031-04-01", loaf.id);
    expect(later > "A-002" && later < "A-010").toBe(true);
    // The 999th order of a day is followed by B-001.
    await t.sql`select setval('order_code_seq', base + 998) from order_code_days
      where day = '2031-04-02'`;
    expect([await placeOn("2031-04-02", loaf.id), await placeOn("2031-04-02", loaf.id)]).toEqual([
      "A-999",
      "B-001",
    ]);
  });

  it("orders placed at once get codes of their own, and a failed one takes none", async () => {
    const [loaf] = await productsWithStock(t, [20]);
    const codes = await Promise.all(
      Array.from({ length: 20 }, () => placeOn("2031-04-03", loaf.id)),
    );
    expect(codes.toSorted()).toEqual(
      Array.from({ length: 20 }, (_, i) => `A-${String(i + 1).padStart(3, "0")}`),
    );
    await expect(placeOn("2031-04-03", loaf.id)).rejects.toThrow(/sold out/);
    await t.sql`update products set stock = 1 where id = ${loaf.id}`;
    expect(await placeOn("2031-04-03", loaf.id)).toBe("A-021");
  });

  it("a day the former per-day counter already counted continues after its last code", async () => {
    const [loaf] = await productsWithStock(t, [5]);
    await t.sql`insert into order_code_counters (day, last) values ('2031-04-04', 41)`;
    expect(await placeOn("2031-04-04", loaf.id)).toBe("A-042");
  });

  it("the API answers 4xx with fields.pickupAt for a bad pickupAt, taking nothing", async () => {
    const [loaf] = await productsWithStock(t, [5]);
    for (
      const [pickupAt, status, code] of [
        ["whenever", 400, "validation_failed"],
        ["2020-01-01T10:00:00Z", 400, "validation_failed"],
        ["2099-01-01T10:00:00Z", 422, "beyond_horizon"],
      ] as const
    ) {
      const error = await expectError(
        await order(t, who, { items: [{ productId: loaf.id, quantity: 1 }], pickupAt }),
        status,
        code,
      );
      expect(error.fields?.pickupAt).toEqual(expect.any(String));
      expect(error.message).toBe(error.fields?.pickupAt);
    }
    expect(await stockOf(t, loaf.id)).toBe(5);
    const asap = await order(t, who, { items: [{ productId: loaf.id, quantity: 1 }] });
    expect(asap.status).toBe(201);
    expect((await asap.json()).pickupAsap).toBe(true);
  });
});
