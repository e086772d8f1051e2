import { z } from "zod";
import { statuses } from "../../orders/status.ts";
import { blankIsAbsent } from "../shared/schema.ts";
import { isCalendarDate } from "../shared/dates.ts";
import { multilineText, text } from "../../http/fields.ts";

/** What the order screens accept: list filters, status changes, the export range. */

const DATE = "Give a date as YYYY-MM-DD.";
const date = z.string().trim().refine(isCalendarDate, DATE);

export const orderFiltersSchema = z.object({
  status: z.preprocess(blankIsAbsent, z.enum(statuses).optional()).catch(undefined),
  date: z.preprocess(blankIsAbsent, date.optional()),
  q: z.preprocess(blankIsAbsent, text().trim().max(100).optional()).catch(undefined),
});

export type OrderFilterInput = z.infer<typeof orderFiltersSchema>;

const status = z.enum(statuses, { message: "Choose one of the statuses offered." });

export const statusChangeSchema = z.object({
  status,
  expectedFrom: status,
  reason: multilineText().trim().max(300, "Keep the note under 300 characters.").optional(),
});

export const cancelSchema = z.object({
  expectedFrom: status,
  reason: multilineText().trim().min(1, "Say why the order is cancelled.").max(
    300,
    "Keep the reason under 300 characters.",
  ),
});

/** The longest export in one file: a year and a day. */
export const MAX_EXPORT_DAYS = 366;

const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

export const exportRangeSchema = z.object({
  from: z.string({ message: DATE }).trim().refine(isCalendarDate, DATE),
  to: z.string({ message: DATE }).trim().refine(isCalendarDate, DATE),
}).superRefine((range, ctx) => {
  if (!isCalendarDate(range.from) || !isCalendarDate(range.to)) return;
  const days = dayNumber(range.to) - dayNumber(range.from) + 1;
  if (days < 1) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "The end date is before the start." });
  } else if (days > MAX_EXPORT_DAYS) {
    ctx.addIssue({
      code: "custom",
      path: ["to"],
      message: `Export at most ${MAX_EXPORT_DAYS} days at once.`,
    });
  }
});
