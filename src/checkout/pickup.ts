import { addDays, instantAt, localParts, type OpeningHours } from "../shop/hours.ts";

/** Pickup happens on 15-minute marks within opening hours, today or tomorrow. */
export const SLOT_MINUTES = 15;

export interface PickupRules {
  hours: OpeningHours;
  prepMinutes: number;
  timeZone: string;
}

export interface PickupDay {
  date: string;
  slots: Date[];
}

export interface PickupChoices {
  /** The earliest possible pickup (now + prep time, moved into opening hours); null if none. */
  asap: Date | null;
  days: PickupDay[];
}

/** The opening and closing instants of the shop's day `date`; null when closed that day. */
function openingOf(date: string, rules: PickupRules) {
  const open = rules.hours[new Date(`${date}T12:00:00Z`).getUTCDay()];
  if (!open) return null;
  return {
    ...open,
    opensAt: instantAt(date, open.opens, rules.timeZone).getTime(),
    closesAt: instantAt(date, open.closes, rules.timeZone).getTime(),
  };
}

/** The first slot of a day: on the quarter hours even when the shop opens at, say, 07:10. */
const firstSlot = (opens: number) => Math.ceil(opens / SLOT_MINUTES) * SLOT_MINUTES;

/** The earliest possible pickup: now + prep time, moved into opening hours; null if none. */
function earliestPickup(now: Date, rules: PickupRules): Date | null {
  const earliest = now.getTime() + rules.prepMinutes * 60_000;
  const today = localParts(now, rules.timeZone).date;
  for (const date of [today, addDays(today, 1)]) {
    const open = openingOf(date, rules);
    if (!open) continue;
    // Rounded up to the minute: "ready at 10:37", not 10:36:41 (and never at closing time).
    const soonest = Math.ceil(Math.max(earliest, open.opensAt) / 60_000) * 60_000;
    if (soonest < open.closesAt) return new Date(soonest);
  }
  return null;
}

/** What a customer may choose right now. */
export function pickupChoices(now: Date, rules: PickupRules): PickupChoices {
  const earliest = now.getTime() + rules.prepMinutes * 60_000;
  const today = localParts(now, rules.timeZone).date;
  const days: PickupDay[] = [];
  for (const date of [today, addDays(today, 1)]) {
    const open = openingOf(date, rules);
    const slots: Date[] = [];
    if (open) {
      for (let m = firstSlot(open.opens); m + SLOT_MINUTES <= open.closes; m += SLOT_MINUTES) {
        const at = instantAt(date, m, rules.timeZone);
        if (at.getTime() >= earliest) slots.push(at);
      }
    }
    days.push({ date, slots });
  }
  return { asap: earliestPickup(now, rules), days };
}

/**
 * Whether `at` is one of the slots `pickupChoices` offers now, without listing them all (a
 * checkout asks this on every order).
 */
function isOfferedSlot(at: Date, now: Date, rules: PickupRules): boolean {
  if (at.getTime() < now.getTime() + rules.prepMinutes * 60_000) return false;
  const today = localParts(now, rules.timeZone).date;
  const local = localParts(at, rules.timeZone);
  if (local.date !== today && local.date !== addDays(today, 1)) return false;
  const open = openingOf(local.date, rules);
  const m = local.minutes;
  if (!open || m % SLOT_MINUTES !== 0 || m < firstSlot(open.opens)) return false;
  if (m + SLOT_MINUTES > open.closes) return false;
  // The very instant the slot is (an hour repeated when the clocks go back has one of its two).
  return instantAt(local.date, m, rules.timeZone).getTime() === at.getTime();
}

/**
 * The pickup instant for a request: "asap" or an ISO time that is one of the offered slots.
 * Returns a message for the customer when the choice is not possible (any more).
 */
export function resolvePickup(
  requested: string | undefined,
  now: Date,
  rules: PickupRules,
): { at: Date; asap: boolean } | { problem: string } {
  if (!requested || requested === "asap") {
    const asap = earliestPickup(now, rules);
    if (!asap) {
      return { problem: "We are closed today and tomorrow, so no pickup is possible right now." };
    }
    return { at: asap, asap: true };
  }
  const at = parsePickupTime(requested, rules.timeZone);
  if (!at) return { problem: "Choose a pickup time from the list." };
  if (!isOfferedSlot(at, now, rules)) {
    return {
      problem:
        "That pickup time is no longer possible (too soon, outside opening hours or not a 15-minute slot). Please choose another.",
    };
  }
  return { at, asap: false };
}

const localDateTime = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::00(?:\.0+)?)?$/;

/**
 * A requested pickup instant. An ISO time with `Z` or an offset is that instant; one
 * without (as a datetime-local field sends) is the shop's wall-clock time, never the
 * server's. Null when it is not a time at all.
 */
export function parsePickupTime(requested: string, timeZone: string): Date | null {
  const local = localDateTime.exec(requested.trim());
  if (local) {
    const [, date, hours, minutes] = local;
    if (Number(hours) > 23 || Number(minutes) > 59) return null;
    const at = instantAt(date, Number(hours) * 60 + Number(minutes), timeZone);
    return Number.isNaN(at.getTime()) ? null : at;
  }
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(requested.trim())) return null;
  const at = new Date(requested);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The pickup choice as idempotency compares it: "asap" or the ISO instant asked for. */
export function pickupKey(requested: string | undefined, timeZone: string): string {
  if (!requested || requested === "asap") return "asap";
  return parsePickupTime(requested, timeZone)?.toISOString() ?? requested;
}
