import { describe, expect, it } from "vitest";
import {
  type AgingRules,
  isUpcoming,
  pickupCountdown,
  prepStartsAt,
  ticketTone,
  waitingSince,
} from "./aging.ts";

/** The board's urgency rules as pure functions of a ticket and the time. */

const MINUTE = 60_000;
const now = new Date("2030-05-14T09:00:00Z");
const at = (minutes: number) => new Date(now.getTime() + minutes * MINUTE);
const rules: AgingRules = {
  amberBeforePickup: 5,
  amberWaiting: 5,
  redWaiting: 10,
  prepMinutes: 20,
};

describe("ticketTone", () => {
  const placed = (pickupIn: number, waited: number) => ({
    status: "placed" as const,
    pickupAt: at(pickupIn),
    pickupAsap: true,
    statusChangedAt: at(-waited),
  });

  it("is ok while pickup is far and the ticket has not waited", () => {
    expect(ticketTone(placed(30, 0), now, rules)).toBe("ok");
    expect(ticketTone(placed(5.01, 4.99), now, rules)).toBe("ok");
  });

  it("turns amber 5 minutes before pickup and red at pickup time", () => {
    expect(ticketTone(placed(5, 0), now, rules)).toBe("amber");
    expect(ticketTone(placed(0.01, 0), now, rules)).toBe("amber");
    expect(ticketTone(placed(0, 0), now, rules)).toBe("red");
    expect(ticketTone(placed(-3, 0), now, rules)).toBe("red");
  });

  it("turns amber after 5 minutes in New and red after 10, however far pickup is", () => {
    expect(ticketTone(placed(120, 5), now, rules)).toBe("amber");
    expect(ticketTone(placed(120, 9.99), now, rules)).toBe("amber");
    expect(ticketTone(placed(120, 10), now, rules)).toBe("red");
  });

  it("counts waiting only in New: a baking ticket ages by its pickup time alone", () => {
    const baking = { ...placed(60, 30), status: "baking" as const };
    expect(ticketTone(baking, now, rules)).toBe("ok");
    expect(ticketTone({ ...baking, pickupAt: at(4) }, now, rules)).toBe("amber");
    expect(ticketTone({ ...baking, pickupAt: at(0) }, now, rules)).toBe("red");
  });

  it("never colours ready or closed tickets", () => {
    for (const status of ["ready", "picked_up", "cancelled"] as const) {
      expect(ticketTone({ ...placed(-30, 30), status }, now, rules)).toBe("ok");
    }
  });

  it("follows the configured thresholds", () => {
    const strict: AgingRules = { ...rules, amberBeforePickup: 15, amberWaiting: 2, redWaiting: 3 };
    expect(ticketTone(placed(14, 0), now, strict)).toBe("amber");
    expect(ticketTone(placed(14, 0), now, rules)).toBe("ok");
    expect(ticketTone(placed(60, 2), now, strict)).toBe("amber");
    expect(ticketTone(placed(60, 3), now, strict)).toBe("red");
    expect(ticketTone(placed(60, 3), now, rules)).toBe("ok");
  });
});

describe("waitingSince", () => {
  it("counts an ASAP order's wait from when it was placed", () => {
    expect(waitingSince({ pickupAt: at(20), pickupAsap: true, statusChangedAt: at(-3) }, rules))
      .toEqual(at(-3));
  });

  it("counts an order booked ahead from when its preparation was due, not from its booking", () => {
    const booked = { pickupAt: at(15), pickupAsap: false, statusChangedAt: at(-20 * 60) };
    expect(prepStartsAt(booked.pickupAt, rules)).toEqual(at(-5));
    expect(waitingSince(booked, rules)).toEqual(at(-5));
    // Booked yesterday, due 5 minutes ago: amber by waiting, not red since yesterday.
    expect(ticketTone({ ...booked, status: "placed" }, now, rules)).toBe("amber");
    expect(ticketTone({ ...booked, status: "placed" }, at(-1), rules)).toBe("ok");
    // Booked for a slot sooner than its prep time: it waits from its booking.
    const soon = { pickupAt: at(10), pickupAsap: false, statusChangedAt: at(-2) };
    expect(waitingSince(soon, rules)).toEqual(at(-2));
  });
});

describe("isUpcoming", () => {
  const order = (pickupIn: number, pickupAsap = false, status = "placed" as const) => ({
    status,
    pickupAt: at(pickupIn),
    pickupAsap,
  });

  it("holds a chosen later pickup back until its prep time begins", () => {
    expect(isUpcoming(order(24 * 60), now, rules)).toBe(true);
    expect(isUpcoming(order(21), now, rules)).toBe(true);
    expect(isUpcoming(order(20), now, rules)).toBe(false);
    expect(isUpcoming(order(5), now, rules)).toBe(false);
  });

  it("never holds back ASAP orders or orders already started", () => {
    expect(isUpcoming(order(24 * 60, true), now, rules)).toBe(false);
    expect(isUpcoming({ ...order(24 * 60), status: "baking" as const }, now, rules)).toBe(false);
  });
});

describe("pickupCountdown", () => {
  it("says how long until pickup, due now, or how late", () => {
    expect(pickupCountdown(at(12), now)).toBe("in 12 min");
    expect(pickupCountdown(at(0.4), now)).toBe("due now");
    expect(pickupCountdown(at(-0.4), now)).toBe("due now");
    expect(pickupCountdown(at(-5), now)).toBe("5 min late");
  });
});
