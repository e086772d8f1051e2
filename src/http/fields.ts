import { z } from "@hono/zod-openapi";

/**
 * The building blocks of every input schema: text, ids and dates that PostgreSQL will take.
 * It refuses a NUL in text and integers past 2^31 − 1 as errors, not as data: checked here,
 * they become a field message; missed, they become a failed query.
 */

/** The largest `integer` PostgreSQL stores: ids and quantities stay within it. */
export const INT4_MAX = 2_147_483_647;

/** C0 controls, DEL and C1 controls: nothing a person types into a field. */
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same, but tab, line feed and carriage return, which multi-line text keeps. */
// deno-lint-ignore no-control-regex
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export const CONTROL_MESSAGE = "Remove the invisible control characters from this field.";

/** Whether a value holds a character `text` refuses (line breaks too, unless `lines`). */
export const hasControlCharacters = (value: string, { lines = false } = {}) =>
  (lines ? CONTROL_BUT_LINE_BREAKS : CONTROL).test(value);

/** A one-line text field (a name, an email, a search); chain `.trim()`, `.min()`, `.max()`. */
export const text = (message?: string) =>
  z.string(message === undefined ? undefined : { message }).refine(
    (value) => !CONTROL.test(value),
    CONTROL_MESSAGE,
  );

/** A text field that may hold several lines (a note, a description). */
export const multilineText = (message?: string) =>
  z.string(message === undefined ? undefined : { message }).refine(
    (value) => !CONTROL_BUT_LINE_BREAKS.test(value),
    CONTROL_MESSAGE,
  );

/** The id of a row, from a path, a query string or a form field. */
export const recordId = (message: string) =>
  z.coerce.number({ message }).int(message).min(1, message).max(INT4_MAX, message);

/** The id of a row in a JSON body: a number, never a string. */
export const jsonRecordId = (message: string) =>
  z.number({ message }).int(message).min(1, message).max(INT4_MAX, message);

/** A whole number in a range the database holds, from a form or query string. */
export const wholeNumber = (min: number, max: number, message: string) =>
  z.coerce.number({ message }).int(message).min(min, message).max(Math.min(max, INT4_MAX), message);

/** Years a bakery's records and filters can mean; anything else is a typing slip or a probe. */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2100;

/** A calendar day `YYYY-MM-DD` that exists, between FIRST_YEAR and LAST_YEAR. */
export const calendarDate = (message: string) =>
  z.string({ message }).refine((value) => isCalendarDate(value), message);

export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < FIRST_YEAR || year > LAST_YEAR) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
