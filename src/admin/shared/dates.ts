import { instantAt, localParts } from "../../shop/hours.ts";

/** Dates as the admin screens read and write them: on the shop's calendar and clock. */

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(text: string): boolean {
  const match = isoDate.exec(text);
  if (!match) return false;
  const [y, m, d] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

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
