import { productKinds } from "../../bakery/availability.ts";
import type { ProductKind } from "../../bakery/availability.ts";
import type { Par } from "../../bakery/plan.ts";
import { weekdayKeys } from "../../bakery/schema.ts";
import { type FormBody, text } from "../shared/form-kit.ts";

const whole = (value: string, max: number) => /^\d{1,6}$/.test(value) && Number(value) <= max;

/** The baking schedule form read: the input for `setSchedule`, or what is wrong. */
export function scheduleFromForm(body: FormBody) {
  const names = ["kind", "leadTimeHours", ...weekdayKeys.map((d) => `par.${d}`)];
  const typed = Object.fromEntries(names.map((n) => [n, text(body, n).trim()]));
  const fields: Record<string, string> = {};
  if (!(productKinds as readonly string[]).includes(typed.kind)) {
    fields.kind = "Choose daily, made to order or shelf.";
  }
  if (!whole(typed.leadTimeHours, 720)) {
    fields.leadTimeHours = "Enter whole hours from 0 to 720 (30 days).";
  }
  for (const d of weekdayKeys) {
    if (!whole(typed[`par.${d}`], 100_000)) {
      fields[`par.${d}`] = "Enter a whole number from 0 to 100000.";
    }
  }
  if (Object.keys(fields).length) return { typed, fields, input: null };
  const input = {
    kind: typed.kind as ProductKind,
    leadTimeHours: Number(typed.leadTimeHours),
    par: Object.fromEntries(weekdayKeys.map((d) => [d, Number(typed[`par.${d}`])])) as Par,
  };
  return { typed, fields, input };
}
