import { addDays, instantAt, localParts } from "../shop/hours.ts";
import { type Calendar, clock, type Day, dayOf, daysBetween, isDate } from "./calendar.ts";
import { parsePickupTime, slotHolding, slotsOf } from "./slots.ts";
import type { Words } from "./words.ts";

/**
 * When customers may pick up: the calendar, the pickup settings, the preparation time and
 * the clock. Pure: everything arrives as arguments, so the same rules answer the pages, the
 * API and the checkout transaction (which reads the settings and calendar under a lock).
 */

export interface PickupSettings {
  slotMinutes: number;
  /** Null: a slot takes any number of orders. */
  ordersPerSlot: number | null;
  /** How many days customers may order ahead, today included. */
  horizonDays: number;
  /** Orders for tomorrow close at this local time today (minutes); null: never. */
  nextDayCutoff: number | null;
}

export interface Rules {
  calendar: Calendar;
  settings: PickupSettings;
  timeZone: string;
  /** Minutes from order to the earliest pickup. */
  prepMinutes: number;
  now: Date;
  words: Words;
}

export type RefusalCode = "validation_failed" | "beyond_horizon" | "closed" | "cutoff";

export interface Refusal {
  code: RefusalCode;
  message: string;
}

/**
 * Answers worked out once per rules (a page asks the same of every product and date): rules
 * are read afresh for each request or transaction and never changed after.
 */
const answers = new WeakMap<Rules, Map<string, unknown>>();
function once<T>(rules: Rules, key: string, work: () => T): T {
  let known = answers.get(rules);
  if (!known) answers.set(rules, known = new Map());
  if (!known.has(key)) known.set(key, work());
  return known.get(key) as T;
}

export const todayOf = (rules: Rules) =>
  once(rules, "today", () => localParts(rules.now, rules.timeZone).date);
/** The last date customers may order for. */
export const horizonEnd = (rules: Rules) => addDays(todayOf(rules), rules.settings.horizonDays - 1);

/** Every slot of a date's opening hours (booked or not, past or not). */
export const slotsOn = (rules: Rules, date: string): readonly Date[] =>
  once(
    rules,
    `slots ${date}`,
    () => slotsOf(dayOf(rules.calendar, date), rules.settings.slotMinutes, rules.timeZone),
  );

/** The earliest instant an order placed now can be picked up. */
export const earliestPickup = (rules: Rules) =>
  new Date(rules.now.getTime() + rules.prepMinutes * 60_000);

/** Slots customers may still choose on a date: none on a refused date. */
export function offeredSlots(rules: Rules, date: string): Date[] {
  if (dateRefusal(rules, date)) return [];
  const earliest = earliestPickup(rules).getTime();
  return slotsOn(rules, date).filter((s) => s.getTime() >= earliest);
}

/** The instant orders for `date` close because of the next-day cut-off; null if none. */
export function cutoffFor(rules: Rules, date: string): Date | null {
  const cutoff = rules.settings.nextDayCutoff;
  if (cutoff === null || date <= todayOf(rules)) return null;
  return instantAt(addDays(date, -1), cutoff, rules.timeZone);
}

/** Why nobody can order for `date` now, or null when they can. */
export const dateRefusal = (rules: Rules, date: string): Refusal | null =>
  once(rules, `refusal ${date}`, () => refusalOf(rules, date));

function refusalOf(rules: Rules, date: string): Refusal | null {
  const { words } = rules;
  if (!isDate(date)) {
    return {
      code: "validation_failed",
      message: "Give the date as YYYY-MM-DD, for example 2026-11-21.",
    };
  }
  const today = todayOf(rules);
  if (date < today) return { code: "validation_failed", message: "That date is in the past." };
  const last = horizonEnd(rules);
  if (date > last) {
    const days = rules.settings.horizonDays;
    return {
      code: "beyond_horizon",
      message: `We take orders up to ${days} ${days === 1 ? "day" : "days"} ahead, so for ${
        words.day(last)
      } at the latest.`,
    };
  }
  const day = dayOf(rules.calendar, date);
  if (!day.open) {
    return { code: "closed", message: `We are closed on ${words.day(date)}: ${day.reason}.` };
  }
  const cutoff = cutoffFor(rules, date);
  if (cutoff && rules.now.getTime() >= cutoff.getTime()) {
    return {
      code: "cutoff",
      message: `Orders for tomorrow (${words.day(date)}) closed at ${
        clock(rules.settings.nextDayCutoff!)
      } today.`,
    };
  }
  const slots = slotsOn(rules, date);
  const earliest = earliestPickup(rules).getTime();
  if (!slots.some((s) => s.getTime() >= earliest) && !asapOn(rules, day)) {
    return {
      code: "closed",
      message: `No pickup times are left on ${words.day(date)}: we close at ${clock(day.closes!)}.`,
    };
  }
  return null;
}

/** The "as soon as possible" instant on this day, or null when the day has no time left. */
function asapOn(rules: Rules, day: Day): Date | null {
  if (!day.open) return null;
  const opens = instantAt(day.date, day.opens!, rules.timeZone).getTime();
  const closes = instantAt(day.date, day.closes!, rules.timeZone).getTime();
  // Rounded up to the minute: "ready at 10:37", not 10:36:41 (and never at closing time).
  const soonest = Math.ceil(Math.max(earliestPickup(rules).getTime(), opens) / 60_000) * 60_000;
  return soonest < closes ? new Date(soonest) : null;
}

/** Days customers may order for now (with their dates), in order. */
export function orderableDates(rules: Rules): string[] {
  const today = todayOf(rules);
  const count = daysBetween(today, horizonEnd(rules)) + 1;
  return Array.from({ length: count }, (_, i) => addDays(today, i))
    .filter((date) => !dateRefusal(rules, date));
}

/** The earliest pickup as soon as possible: on the first day that takes orders, if any. */
export function asap(rules: Rules): { at: Date; date: string } | null {
  for (const date of orderableDates(rules)) {
    const at = asapOn(rules, dayOf(rules.calendar, date));
    if (at) return { at, date };
  }
  return null;
}

export interface ResolvedPickup {
  at: Date;
  asap: boolean;
  date: string;
  /** Slots whose seat this pickup may take, in order of preference (ASAP may move on). */
  seats: Date[];
}

const NOT_OFFERED =
  "That pickup time is no longer possible (too soon, outside opening hours or not one of the pickup times). Please choose another.";

/** The pickup a request asks for, checked against the rules; or why it cannot be. */
export function resolvePickup(
  rules: Rules,
  requested: string | undefined,
): ResolvedPickup | Refusal {
  if (!requested || requested === "asap") {
    const soonest = asap(rules);
    if (!soonest) {
      return {
        code: "closed",
        message: `We have no pickup times left in the next ${rules.settings.horizonDays} days.`,
      };
    }
    const slots = slotsOn(rules, soonest.date);
    const holding = slotHolding(slots, soonest.at, rules.settings.slotMinutes);
    const later = slots.filter((s) => s.getTime() > soonest.at.getTime());
    return {
      at: soonest.at,
      asap: true,
      date: soonest.date,
      seats: holding && holding.getTime() <= soonest.at.getTime() ? [holding, ...later] : later,
    };
  }
  const at = parsePickupTime(requested, rules.timeZone);
  if (!at) return { code: "validation_failed", message: "Choose a pickup time from the list." };
  const date = localParts(at, rules.timeZone).date;
  const refused = dateRefusal(rules, date);
  if (refused) return refused;
  const offered = slotsOn(rules, date).some((s) => s.getTime() === at.getTime());
  if (!offered || at.getTime() < earliestPickup(rules).getTime()) {
    return { code: "validation_failed", message: NOT_OFFERED };
  }
  return { at, asap: false, date, seats: [at] };
}
