import { instantAt, localParts } from "../../shop/hours.ts";

/** Dates as the admin screens read and write them: on the shop's calendar and clock. */

/** A real calendar date written YYYY-MM-DD, in the years a bakery's records can mean. */
export { isCalendarDate } from "../../http/fields.ts";

/** The instants a shop day starts and the next one starts (DST-aware). */
export function shopDay(date: string, timeZone: string): { start: Date; end: Date } {
  const [y, m, d] = date.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return { start: instantAt(date, 0, timeZone), end: instantAt(next, 0, timeZone) };
}

/** "2026-06-10 14:05" on the shop's clock. */
export function shopDateTime(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  const hh = String(Math.floor(p.minutes / 60)).padStart(2, "0");
  const mm = String(p.minutes % 60).padStart(2, "0");
  return `${p.date} ${hh}:${mm}`;
}
