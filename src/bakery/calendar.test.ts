import { describe, expect, it } from "vitest";
import { localParts, parseOpeningHours } from "../shop/hours.ts";
import { availabilityOn, type ScheduledProduct } from "./availability.ts";
import { type Calendar, dayOf, daysFrom } from "./calendar.ts";
import { asap, cutoffFor, dateRefusal, offeredSlots, resolvePickup, type Rules } from "./rules.ts";
import { slotHolding, slotsOf } from "./slots.ts";
import { createWords } from "./words.ts";

/** The calendar, slots and ordering rules, as pure functions, in London. */

const zone = "Europe/London";
const words = createWords({ locale: "en-GB", timeZone: zone });
const week = parseOpeningHours("mon-fri 07:00-18:00; sat 08:00-16:00; sun 08:00-12:00");
const calendar = (more: Partial<Calendar> = {}): Calendar => ({
  weekly: week,
  closures: [],
  special: [],
  ...more,
});
const rules = (now: string, more: Partial<Rules> = {}): Rules => ({
  calendar: calendar(),
  settings: { slotMinutes: 15, ordersPerSlot: null, horizonDays: 14, nextDayCutoff: null },
  timeZone: zone,
  prepMinutes: 20,
  now: new Date(now),
  words,
  ...more,
});
/** London wall clock of an instant: "2026-03-29 02:15". */
const wall = (at: Date) => {
  const p = localParts(at, zone);
  return `${p.date} ${String(Math.floor(p.minutes / 60)).padStart(2, "0")}:${
    String(p.minutes % 60).padStart(2, "0")
  }`;
};
const iso = (slots: Date[]) => slots.map((s) => s.toISOString());
const steps = (slots: Date[]) =>
  new Set(slots.slice(1).map((s, i) => (s.getTime() - slots[i].getTime()) / 60_000));

describe("the calendar", () => {
  it("a closure wins over special hours, special hours over the usual week", () => {
    const c = calendar({
      closures: [{ id: 1, from: "2026-12-24", to: "2026-12-26", reason: "Closed for Christmas" }],
      special: [
        { date: "2026-12-24", opens: 420, closes: 720, note: "" },
        { date: "2026-12-31", opens: 420, closes: 780, note: "New Year's Eve" },
      ],
    });
    expect(dayOf(c, "2026-12-24")).toMatchObject({ open: false, reason: "Closed for Christmas" });
    expect(dayOf(c, "2026-12-26")).toMatchObject({ open: false, closureId: 1 });
    expect(dayOf(c, "2026-12-31")).toMatchObject({ open: true, opens: 420, closes: 780 });
    expect(dayOf(c, "2027-01-01")).toMatchObject({ open: true, opens: 420, closes: 1080 });
    const noSundays = { ...c, weekly: parseOpeningHours("mon-sat 07:00-18:00") };
    expect(dayOf(noSundays, "2026-12-27")).toMatchObject({
      open: false,
      reason: "Closed on Sundays",
    });
    expect(daysFrom(c, "2026-12-23", 4).map((d) => d.open)).toEqual([true, false, false, false]);
  });
});

describe("slots when the clocks change in London", () => {
  const night = (date: string) => ({
    date,
    open: true,
    opens: 0,
    closes: 240,
    reason: null,
    closureId: null,
  });

  it("Sunday 29 March 2026: the hour that does not exist gets no slots", () => {
    const slots = slotsOf(night("2026-03-29"), 15, zone);
    // 00:00-04:00 on the wall is three real hours: 12 slots, 15 minutes apart.
    expect(slots).toHaveLength(12);
    expect(steps(slots)).toEqual(new Set([15]));
    expect(slots.map(wall)).toEqual([
      "2026-03-29 00:00",
      "2026-03-29 00:15",
      "2026-03-29 00:30",
      "2026-03-29 00:45",
      "2026-03-29 02:00",
      "2026-03-29 02:15",
      "2026-03-29 02:30",
      "2026-03-29 02:45",
      "2026-03-29 03:00",
      "2026-03-29 03:15",
      "2026-03-29 03:30",
      "2026-03-29 03:45",
    ]);
    expect(slots[4].toISOString()).toBe("2026-03-29T01:00:00.000Z");
  });

  it("Sunday 25 October 2026: the hour that happens twice gets slots twice", () => {
    const slots = slotsOf(night("2026-10-25"), 15, zone);
    // Five real hours: 20 slots, 15 minutes apart, each a distinct instant.
    expect(slots).toHaveLength(20);
    expect(steps(slots)).toEqual(new Set([15]));
    expect(new Set(iso(slots)).size).toBe(20);
    expect(slots[0].toISOString()).toBe("2026-10-24T23:00:00.000Z"); // 00:00 BST
    expect(slots.map(wall).filter((w) => w === "2026-10-25 01:15")).toHaveLength(2);
    expect(slots.at(-1)!.toISOString()).toBe("2026-10-25T03:45:00.000Z"); // 03:45 GMT
  });

  it("a day's opening hours land at the right instants either side of each change", () => {
    const open = (date: string) => ({ ...night(date), opens: 420, closes: 1080 });
    // Saturday before: GMT. Sunday and Monday after: BST.
    expect(slotsOf(open("2026-03-28"), 15, zone)[0].toISOString()).toBe("2026-03-28T07:00:00.000Z");
    const sunday = slotsOf(open("2026-03-29"), 15, zone);
    expect(sunday[0].toISOString()).toBe("2026-03-29T06:00:00.000Z");
    expect(sunday).toHaveLength(44);
    expect(wall(sunday.at(-1)!)).toBe("2026-03-29 17:45");
    expect(slotsOf(open("2026-10-25"), 15, zone)[0].toISOString()).toBe("2026-10-25T07:00:00.000Z");
    expect(slotsOf(open("2026-10-24"), 15, zone)[0].toISOString()).toBe("2026-10-24T06:00:00.000Z");
    expect(slotsOf(open("2026-10-25"), 30, zone)).toHaveLength(22);
  });

  it("the days and ASAP around the change follow the shop's clock", () => {
    // Saturday 28 March 2026, 15:50 GMT: Saturday closes at 16:00, Sunday opens 08:00 BST.
    const r = rules("2026-03-28T15:50:00Z");
    expect(asap(r)).toEqual({ at: new Date("2026-03-29T07:00:00Z"), date: "2026-03-29" });
    expect(offeredSlots(r, "2026-03-29")[0].toISOString()).toBe("2026-03-29T07:00:00.000Z");
    const picked = resolvePickup(r, "2026-03-29T09:30");
    expect(picked).toMatchObject({ at: new Date("2026-03-29T08:30:00Z"), date: "2026-03-29" });
  });

  it("holds an ASAP time in the slot whose window it falls in", () => {
    const slots = slotsOf({ ...night("2026-06-10"), opens: 430, closes: 600 }, 15, zone);
    expect(wall(slots[0])).toBe("2026-06-10 07:15");
    const at = (hhmm: string) => new Date(`2026-06-10T${hhmm}:00+01:00`);
    expect(slotHolding(slots, at("07:10"), 15)).toEqual(slots[0]);
    expect(wall(slotHolding(slots, at("08:37"), 15)!)).toBe("2026-06-10 08:30");
    expect(slotHolding(slots, at("10:00"), 15)).toBeNull();
  });
});

describe("which dates take orders", () => {
  // Wednesday 10 June 2026, 12:00 in London.
  const noon = "2026-06-10T11:00:00Z";

  it("runs from today to the horizon, and says why a date is refused", () => {
    const r = rules(noon);
    expect(dateRefusal(r, "2026-06-10")).toBeNull();
    expect(dateRefusal(r, "2026-06-23")).toBeNull();
    expect(dateRefusal(r, "2026-06-24")).toEqual({
      code: "beyond_horizon",
      message: "We take orders up to 14 days ahead, so for Tue 23 Jun at the latest.",
    });
    expect(dateRefusal(r, "2026-06-09")).toEqual({
      code: "validation_failed",
      message: "That date is in the past.",
    });
    expect(dateRefusal(r, "2026-02-30")?.code).toBe("validation_failed");
    const closed = rules(noon, {
      calendar: calendar({
        closures: [{ id: 1, from: "2026-06-13", to: "2026-06-13", reason: "Closed for the fair" }],
      }),
    });
    expect(dateRefusal(closed, "2026-06-13")).toEqual({
      code: "closed",
      message: "We are closed on Sat 13 Jun: Closed for the fair.",
    });
  });

  it("closes tomorrow at the cut-off, and only tomorrow", () => {
    const settings = { slotMinutes: 15, ordersPerSlot: null, horizonDays: 14, nextDayCutoff: 1080 };
    const before = rules("2026-06-10T16:59:00Z", { settings }); // 17:59 BST
    const after = rules("2026-06-10T17:00:00Z", { settings }); // 18:00 BST
    expect(dateRefusal(before, "2026-06-11")).toBeNull();
    expect(cutoffFor(before, "2026-06-11")?.toISOString()).toBe("2026-06-10T17:00:00.000Z");
    expect(dateRefusal(after, "2026-06-11")).toEqual({
      code: "cutoff",
      message: "Orders for tomorrow (Thu 11 Jun) closed at 18:00 today.",
    });
    expect(dateRefusal(after, "2026-06-12")).toBeNull();
    expect(cutoffFor(after, "2026-06-10")).toBeNull();
  });
});

describe("what a product can be had for on a date", () => {
  const product = (more: Partial<ScheduledProduct>): ScheduledProduct => ({
    id: 1,
    name: "Country Sourdough",
    kind: "daily",
    leadTimeHours: 0,
    stock: 0,
    par: [20, 20, 20, 20, 30, 40, 0],
    active: true,
    ...more,
  });
  // Wednesday 10 June 2026, 12:00 in London; Sunday 14 June the bread is not baked.
  const r = rules("2026-06-10T11:00:00Z");

  it("a daily product has its date's plan, or the weekday's par", () => {
    const rows = new Map([["2026-06-12", { planned: 30, remaining: 4 }]]);
    expect(availabilityOn(r, product({}), rows, "2026-06-11")).toMatchObject({
      available: 20,
      orderable: true,
      reason: null,
    });
    expect(availabilityOn(r, product({}), rows, "2026-06-12").available).toBe(4);
    expect(availabilityOn(r, product({}), rows, "2026-06-13").available).toBe(40);
  });

  it("says a date is sold out, and when the product can be had", () => {
    const rows = new Map([["2026-06-12", { planned: 30, remaining: 0 }]]);
    expect(availabilityOn(r, product({}), rows, "2026-06-12")).toMatchObject({
      available: 0,
      orderable: false,
      code: "insufficient_stock",
      reason: "Country Sourdough is sold out for Fri 12 Jun. It can be had from Sat 13 Jun.",
    });
    expect(availabilityOn(r, product({}), rows, "2026-06-14").reason).toBe(
      "Country Sourdough is not baked for Sun 14 Jun. It can be had from Mon 15 Jun.",
    );
  });

  it("a made-to-order product needs its lead time, and says by when to order", () => {
    const cake = product({
      name: "Chocolate Fudge Cake",
      kind: "made_to_order",
      leadTimeHours: 48,
    });
    const friday = availabilityOn(r, cake, new Map(), "2026-06-11");
    expect(friday).toMatchObject({ available: null, orderable: false, code: "lead_time" });
    // Friday 12 June closes at 18:00 (last slot 17:45): order by Wednesday 17:45.
    expect(friday.reason).toBe(
      "Chocolate Fudge Cake needs 48 hours' notice. Order by Wed 17:45 for Fri 12 Jun.",
    );
    const saturday = availabilityOn(r, cake, new Map(), "2026-06-13");
    expect(saturday).toMatchObject({ available: null, orderable: true, reason: null });
    expect(saturday.orderBy?.toISOString()).toBe("2026-06-11T14:45:00.000Z"); // Thu 15:45
  });

  it("a shelf product has one stock whatever the date", () => {
    const jam = product({ name: "Apricot Jam", kind: "shelf", stock: 7 });
    expect(availabilityOn(r, jam, new Map(), "2026-06-20").available).toBe(7);
    expect(availabilityOn(r, { ...jam, stock: 0 }, new Map(), "2026-06-20")).toMatchObject({
      orderable: false,
      reason: "Apricot Jam is sold out.",
    });
  });
});
