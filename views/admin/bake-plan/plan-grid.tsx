import {
  cellKey,
  type PlanGrid,
  quantityName,
  shownName,
} from "../../../src/admin/bake-plan/grid.ts";
import { CsrfField, type FormProblems } from "../../accounts/form-parts.tsx";
import { AdminForm } from "../shared/form-parts.tsx";

export const PLAN_GRID_ID = "plan-grid";

export interface PlanGridView extends FormProblems {
  csrfToken: string;
  grid: PlanGrid;
  /** What was typed, by cell name, to show again after a refusal. */
  typed?: Record<string, string>;
}

const cellId = (name: string) => `cell-${name.replaceAll(".", "-")}`;

/**
 * One small form per open date that sets its plan to the suggestions shown in the grid.
 * Outside the grid's form: Enter in a cell must save the grid, not apply a date.
 */
export function ApplySuggestions({ grid, csrfToken }: { grid: PlanGrid; csrfToken: string }) {
  if (![...grid.cells.values()].some((c) => c.suggested !== null)) return null;
  return (
    <section class="panel" aria-labelledby="apply-suggestions-title">
      <h2 id="apply-suggestions-title" class="section-heading">Suggestions from past sales</h2>
      <p class="mb-3">
        Each cell's "suggested" comes from the same weekday over the last six weeks, raised where it
        sold out early (<a class="text-link" href="/admin/analytics/suggestions">the reasons</a>).
        Apply a date's suggestions to its plan:
      </p>
      <ul class="flex flex-wrap gap-2">
        {grid.days.filter((d) => d.open).map((d) => (
          <li>
            <form method="post" action={`/admin/bake-plan/suggestions/${d.date}`}>
              <CsrfField token={csrfToken} />
              <button
                type="submit"
                class="btn-secondary"
                aria-label={`Apply suggestions to ${d.label}`}
              >
                {d.label}
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Products × the next dates in one form: each cell the date's plan, with what is already
 * ordered beneath it. Cells are labelled by their row and column headings, so a screen
 * reader says "Seeded rye, Thu 17 Apr"; Tab walks a product's dates in order.
 */
export function PlanGridForm(view: PlanGridView) {
  const { grid, fields = {}, typed = {} } = view;
  const hasSuggestions = [...grid.cells.values()].some((c) => c.suggested !== null);
  return (
    <AdminForm
      id={PLAN_GRID_ID}
      action="/admin/bake-plan"
      label="Plans of the next dates"
      class="flex flex-col gap-3"
    >
      <CsrfField token={view.csrfToken} />
      <input type="hidden" name="from" value={grid.days[0]?.date} />
      {view.error && (
        <div class="error-banner" role="alert">
          <p>{view.error}</p>
          <ul class="list-disc pl-5">
            {Object.entries(fields).map(([name, message]) => (
              <li>
                <a href={`#${cellId(name)}`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {grid.products.length === 0
        ? (
          <p class="panel">
            No daily products yet. Make a product daily on its page (Products), then plan it here.
          </p>
        )
        : (
          <div class="plan-grid-scroll" tabindex={0} aria-label="Plan grid, scrolls sideways">
            <table class="plan-grid">
              <thead>
                <tr>
                  <th scope="col" class="plan-product">Product</th>
                  {grid.days.map((d, i) => (
                    <th scope="col" id={`day-${i}`} class={d.open ? "" : "closed"}>
                      <a href={`/board/bake-list?date=${d.date}`}>{d.label}</a>
                      {!d.open && <span class="plan-closed">Closed</span>}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {grid.products.map((p) => (
                  <tr>
                    <th scope="row" id={`product-${p.id}`} class="plan-product">{p.name}</th>
                    {grid.days.map((d, i) => {
                      const cell = grid.cells.get(cellKey(p.id, i));
                      if (!cell) return <td>—</td>;
                      const name = quantityName(p.id, i);
                      const id = cellId(name);
                      const error = fields[name];
                      const floor = cell.ordered + cell.counter;
                      return (
                        <td class={`${d.open ? "" : "closed"} ${error ? "has-error" : ""}`}>
                          <input
                            id={id}
                            name={name}
                            type="number"
                            inputmode="numeric"
                            min={0}
                            max={100000}
                            value={typed[name] ?? String(cell.planned)}
                            aria-labelledby={`product-${p.id} day-${i}`}
                            aria-describedby={`${id}-ordered${error ? ` ${id}-error` : ""}`}
                            aria-invalid={error ? "true" : undefined}
                            class={`field plan-cell ${cell.followsPar ? "follows-par" : ""}`}
                          />
                          <input type="hidden" name={shownName(p.id, i)} value={cell.planned} />
                          <span id={`${id}-ordered`} class="plan-ordered">
                            {floor > 0 ? `${cell.ordered} ordered` : "none ordered"}
                            {cell.counter > 0 ? `, ${cell.counter} sold` : ""}
                            {cell.followsPar ? <span class="sr-only">, par</span> : ""}
                          </span>
                          {hasSuggestions && cell.suggested !== null && (
                            <span class="plan-suggested">suggested {cell.suggested}</span>
                          )}
                          {error && <span id={`${id}-error`} class="sr-only">{error}</span>}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <p class="text-sm text-ink-soft">
        A plan in italics follows the weekday's par; one you type is kept for that date. A plan
        cannot go below what is already ordered (and sold) for its date.
      </p>
      <div>
        <button type="submit" class="btn-primary">Save plans</button>
      </div>
    </AdminForm>
  );
}
