import type { Schedule } from "../../../src/bakery/plan.ts";
import { weekdayKeys } from "../../../src/bakery/schema.ts";
import { CsrfField, type FormProblems } from "../../accounts/form-parts.tsx";
import { Input, Select } from "../shared/form-parts.tsx";

export const kindOptions = [
  { value: "daily", label: "Daily: baked for each date to a plan" },
  { value: "made_to_order", label: "Made to order: no daily limit, needs notice" },
  { value: "shelf", label: "Shelf: one stock across days" },
];

const dayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export interface ScheduleFormView extends FormProblems {
  csrfToken: string;
  productId: number;
  schedule: Schedule;
  /** What was typed, after a refusal. */
  typed?: Record<string, string>;
}

/** How a product is baked: its kind, lead time and weekly par, saved apart from its details. */
export function ScheduleForm(view: ScheduleFormView) {
  const { schedule, typed, fields = {} } = view;
  const value = (name: string, stored: string | number) => typed?.[name] ?? String(stored);
  return (
    <section class="panel flex flex-col gap-3" aria-labelledby="schedule-title">
      <h2 id="schedule-title" class="text-xl font-bold">Baking</h2>
      <form
        method="post"
        action={`/admin/products/${view.productId}/schedule`}
        class="flex flex-col gap-3"
      >
        <CsrfField token={view.csrfToken} />
        {view.error && <p class="error-banner" role="alert">{view.error}</p>}
        <Select
          id="schedule-kind"
          name="kind"
          label="Kind"
          options={kindOptions}
          value={value("kind", schedule.kind)}
          error={fields.kind}
        />
        <Input
          id="schedule-lead"
          name="leadTimeHours"
          label="Lead time (hours)"
          type="number"
          inputmode="numeric"
          min={0}
          max={720}
          required
          value={value("leadTimeHours", schedule.leadTimeHours)}
          hint="How much notice an order needs, like 48 for a whole cake. 0: none."
          error={fields.leadTimeHours}
          class="max-w-xs"
        />
        <fieldset class="form-row" aria-describedby="schedule-par-hint">
          <legend class="font-semibold">Par per weekday</legend>
          <p id="schedule-par-hint" class="text-sm text-ink-soft">
            The usual plan of a daily product; dates not set by hand on the bake plan follow it.
          </p>
          <div class="flex flex-wrap gap-2">
            {weekdayKeys.map((d, i) => (
              <div class="flex flex-col">
                <label for={`schedule-par-${d}`} class="text-sm font-semibold">
                  {dayNames[i]}
                </label>
                <input
                  id={`schedule-par-${d}`}
                  name={`par.${d}`}
                  type="number"
                  inputmode="numeric"
                  min={0}
                  max={100000}
                  required
                  value={value(`par.${d}`, schedule.par[d])}
                  aria-invalid={fields[`par.${d}`] ? "true" : undefined}
                  aria-describedby={fields[`par.${d}`] ? `schedule-par-${d}-error` : undefined}
                  class="field plan-cell"
                />
                {fields[`par.${d}`] && (
                  <span id={`schedule-par-${d}-error`} class="field-error text-sm max-w-40">
                    {fields[`par.${d}`]}
                  </span>
                )}
              </div>
            ))}
          </div>
        </fieldset>
        <div>
          <button type="submit" class="btn-primary">Save baking</button>
        </div>
      </form>
    </section>
  );
}
