import type { Context } from "hono";
import { AppError } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { instantAt, localParts } from "../../shop/hours.ts";

/** Small pieces the order, user and coupon screens share: forms, pages, dates, LIKE. */

export const FIX_FIELDS = "Please correct the fields marked below.";
export const PAGE_SIZE = 25;

/** A text field of a submitted form; files and missing fields read as "". */
export const field = (body: Record<string, unknown>, name: string): string => {
  const value = body[name];
  return typeof value === "string" ? value : "";
};

/** A positive id from the path, or a 404. */
export function idParam(value: string | undefined, what: string): number {
  const id = /^\d{1,9}$/.test(value ?? "") ? Number(value) : 0;
  if (id < 1) throw new AppError(404, "not_found", `${what} could not be found.`);
  return id;
}

/** `?page=` as a whole number from 1 on; anything else is page 1. */
export function pageOf(value: string | undefined): number {
  const page = /^\d{1,5}$/.test(value ?? "") ? Number(value) : 1;
  return Math.max(1, page);
}

export const pageCount = (total: number, size = PAGE_SIZE) => Math.max(1, Math.ceil(total / size));

/** A URL with only the query parameters that have a value. */
export function withQuery(path: string, params: Record<string, string | number | undefined>) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** A LIKE pattern that finds `text` anywhere, its own % and _ taken literally. */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * After a successful submit: a 303 for plain and boosted forms; a form htmx swaps in place
 * is told to load the next page instead (a followed redirect would land inside the form).
 */
export function finish(c: Context, formId: string, location: string) {
  if (wantsFragment(c, formId)) {
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  }
  return c.redirect(location, 303);
}

/** An AppError's message for the person, with its status; anything else is rethrown. */
export function refusal(error: unknown): { status: 400 | 404 | 409; message: string } {
  if (!(error instanceof AppError)) throw error;
  const status = error.status === 404 || error.status === 409 ? error.status : 400;
  return { status, message: error.message };
}

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

/** Cents as a plain decimal for forms and files: 1250 → "12.50". */
export const decimalMoney = (cents: number) =>
  `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${
    String(Math.abs(cents) % 100).padStart(2, "0")
  }`;
