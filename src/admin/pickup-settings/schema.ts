import { z } from "zod";
import { parseClock } from "../../bakery/calendar.ts";
import { blankIsAbsent, wholeNumber } from "../shared/schema.ts";

/** The pickup settings form: every field as typed, blank where blank means "none". */
export const settingsFormSchema = z.object({
  slotMinutes: wholeNumber("Enter whole minutes from 5 to 240.", 5, 240).refine(
    (v) => v % 5 === 0,
    "Use a multiple of 5 minutes, like 15 or 30.",
  ),
  ordersPerSlot: z.preprocess(
    blankIsAbsent,
    wholeNumber("Enter a whole number from 1 to 10000, or leave it blank.", 1, 10_000)
      .optional(),
  ).transform((v) => v ?? null),
  horizonDays: wholeNumber("Enter whole days from 1 to 90.", 1, 90),
  nextDayCutoff: z.preprocess(
    blankIsAbsent,
    z.string().trim().refine(
      (v) => parseClock(v) !== null,
      "Give a time like 18:00 on the 24-hour clock, or leave it blank.",
    ).optional(),
  ).transform((v) => v ?? null),
});

export type SettingsForm = Record<keyof z.input<typeof settingsFormSchema>, string>;
