import { addDays, type OpeningHours } from "../shop/hours.ts";
import { isCalendarDate } from "../http/fields.ts";

/**
 * The opening calendar: the usual week, closures (a date or a range, with the reason
 * customers see) and special hours for single dates. Dates are the shop's local dates
 * (YYYY-MM-DD); times are local minutes after midnight.
 */

export interface Closure {
  id: number;
  from: string;
  to: string;
  reason: string;
}

export interface SpecialHours {
  date: string;
  opens: number;
  closes: number;
  note: string;
}

export interface Calendar {
  /** Index 0 is Sunday, as `Date.getUTCDay()`; null when closed that weekday. */
  weekly: OpeningHours;
  closures: Closure[];
  special: SpecialHours[];
}

export interface Day {
  date: string;
  open: boolean;
  /** Local minutes after midnight; null on a closed day. */
  opens: number | null;
  closes: number | null;
  /** Why the shop is closed that day, in words for customers; null when open. */
  reason: string | null;
  /** The closure that closes it, if any. */
  closureId: number | null;
}

const weekdayNames = [
  "Sundays",
  "Mondays",
  "Tuesdays",
  "Wednesdays",
  "Thursdays",
  "Fridays",
  "Saturdays",
];

/** 0 = Sunday … 6 = Saturday, for a YYYY-MM-DD date. */
export const weekdayOf = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();

/** ISO weekday: 1 = Monday … 7 = Sunday (the index of `par`, 1-based). */
export const isoWeekdayOf = (date: string) => weekdayOf(date) || 7;

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Is this a real calendar date written YYYY-MM-DD (in the years a bakery's records mean)? */
export const isDate = (text: string): boolean => isCalendarDate(text);

/** How the shop is on one date: a closure wins, then special hours, then the usual week. */
export function dayOf(calendar: Calendar, date: string): Day {
  const closure = calendar.closures.find((c) => c.from <= date && date <= c.to);
  if (closure) {
    return {
      date,
      open: false,
      opens: null,
      closes: null,
      reason: closure.reason,
      closureId: closure.id,
    };
  }
  const special = calendar.special.find((s) => s.date === date);
  if (special) {
    return {
      date,
      open: true,
      opens: special.opens,
      closes: special.closes,
      reason: null,
      closureId: null,
    };
  }
  const weekday = weekdayOf(date);
  const usual = calendar.weekly[weekday];
  if (!usual) {
    return {
      date,
      open: false,
      opens: null,
      closes: null,
      reason: `Closed on ${weekdayNames[weekday]}`,
      closureId: null,
    };
  }
  return {
    date,
    open: true,
    opens: usual.opens,
    closes: usual.closes,
    reason: null,
    closureId: null,
  };
}

/** `count` consecutive days from `first`, closed ones included. */
export function daysFrom(calendar: Calendar, first: string, count: number): Day[] {
  return Array.from({ length: count }, (_, i) => dayOf(calendar, addDays(first, i)));
}

/** "07:30" */
export function clock(minutes: number): string {
  const h = String(Math.floor(minutes / 60)).padStart(2, "0");
  const m = String(minutes % 60).padStart(2, "0");
  return `${h}:${m}`;
}

/** "07:30" → 450; null when it is not a 24-hour time. */
export function parseClock(text: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}
