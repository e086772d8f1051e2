import { isCalendarDate } from "../http/fields.ts";
import { AppError } from "../http/errors.ts";
import { addDays } from "../shop/hours.ts";

/** Date ranges of the sales figures: presets, checks, and the period before. */

/** The longest range the figures cover at once: a year and a leap day. */
export const MAX_RANGE_DAYS = 366;

export const presets = [
  { key: "today", label: "Today" },
  { key: "7d", label: "7 days" },
  { key: "30d", label: "30 days" },
  { key: "month", label: "This month" },
  { key: "last-month", label: "Last month" },
  { key: "12m", label: "12 months" },
] as const;

export type PresetKey = typeof presets[number]["key"];

export interface DateRange {
  from: string;
  to: string;
}

const monthStart = (date: string) => `${date.slice(0, 7)}-01`;

/** A preset's days, counted back from the shop's today (inclusive). */
export function presetRange(key: PresetKey, today: string): DateRange {
  switch (key) {
    case "today":
      return { from: today, to: today };
    case "7d":
      return { from: addDays(today, -6), to: today };
    case "30d":
      return { from: addDays(today, -29), to: today };
    case "month":
      return { from: monthStart(today), to: today };
    case "last-month": {
      const to = addDays(monthStart(today), -1);
      return { from: monthStart(to), to };
    }
    case "12m":
      return { from: addDays(today, -364), to: today };
  }
}

export const isPreset = (key: string | undefined): key is PresetKey =>
  presets.some((p) => p.key === key);

/** Days in a range, both ends counted. */
export const rangeDays = ({ from, to }: DateRange) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

/** The period of the same length that ends the day before `range` starts. */
export function previousRange(range: DateRange): DateRange {
  const days = rangeDays(range);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/**
 * A range from the query: `from` and `to` as YYYY-MM-DD, both ends included, in order and
 * at most a year long. Each problem is named in words (and per field).
 */
export function checkedRange(from: string | undefined, to: string | undefined): DateRange {
  const fields: Record<string, string> = {};
  if (!from || !isCalendarDate(from)) fields.from = "Give the first day as YYYY-MM-DD.";
  if (!to || !isCalendarDate(to)) fields.to = "Give the last day as YYYY-MM-DD.";
  if (!fields.from && !fields.to) {
    if (from! > to!) fields.to = "The last day comes before the first: swap them.";
    else if (rangeDays({ from: from!, to: to! }) > MAX_RANGE_DAYS) {
      fields.to = `A range covers at most ${MAX_RANGE_DAYS} days.`;
    }
  }
  if (Object.keys(fields).length) {
    throw new AppError(400, "validation_failed", Object.values(fields).join(" "), fields);
  }
  return { from: from!, to: to! };
}
