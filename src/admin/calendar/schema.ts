import { z } from "zod";
import { parseClock } from "../../bakery/calendar.ts";
import { calendarDate, text } from "../../http/fields.ts";
import { blankIsAbsent } from "../shared/schema.ts";

/** Zod schemas of the calendar screen's forms, with words for people. */

const DATE = "Choose a date.";
const clockField = (label: string) =>
  z.string().trim().refine(
    (v) => parseClock(v) !== null,
    `Give the ${label} like 07:30, on the 24-hour clock.`,
  );

export const closureFormSchema = z.object({
  from: calendarDate(DATE),
  to: z.preprocess(blankIsAbsent, calendarDate(DATE).optional()),
  reason: text().trim().min(1, "Give the reason customers will see, like “Closed for Christmas”.")
    .max(200, "The reason can be at most 200 characters."),
});

export const specialHoursFormSchema = z.object({
  date: calendarDate(DATE),
  opens: clockField("opening time"),
  closes: clockField("closing time"),
  note: text().trim().max(200, "The note can be at most 200 characters."),
});

/** Strings exactly as typed, to show a refused form again. */
export type Typed = Record<string, string>;
