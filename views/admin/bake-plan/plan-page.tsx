import type { GridProduct } from "../../../src/admin/bake-plan/grid.ts";
import { weekdayKeys } from "../../../src/bakery/schema.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { ApplySuggestions, PlanGridForm, type PlanGridView } from "./plan-grid.tsx";

const weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export interface ParProblem {
  productId: number;
  /** What was typed, by weekday key. */
  typed: Record<string, string>;
  fields: Record<string, string>;
}

export interface PlanPageView extends PlanGridView {
  shop: ShopView;
  viewer: Viewer;
  today: string;
  flash?: string;
  /** A par row that was refused, as typed. */
  par?: ParProblem;
}

/** The weekly par of every daily product: one small form per row, so rows save apart. */
function ParTable(
  { products, csrfToken, problem }: {
    products: GridProduct[];
    csrfToken: string;
    problem?: ParProblem;
  },
) {
  return (
    <section class="panel flex flex-col gap-3" aria-labelledby="par-title">
      <h2 id="par-title" class="text-xl font-bold">Par per weekday</h2>
      <p class="text-sm text-ink-soft">
        The usual plan of each weekday. Dates you have not set by hand follow it.
      </p>
      <div class="plan-grid-scroll">
        <table class="plan-grid par-grid">
          <thead>
            <tr>
              <th scope="col" class="plan-product">Product</th>
              {weekdayNames.map((d, i) => <th scope="col" id={`par-day-${i}`}>{d}</th>)}
              <th scope="col">
                <span class="sr-only">Save</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {products.map((p) => {
              const mine = problem?.productId === p.id ? problem : undefined;
              const form = `par-${p.id}`;
              return (
                <tr>
                  <th scope="row" id={`par-product-${p.id}`} class="plan-product">{p.name}</th>
                  {weekdayKeys.map((key, i) => {
                    const error = mine?.fields[key];
                    const id = `par-${p.id}-${key}`;
                    return (
                      <td class={error ? "has-error" : ""}>
                        <input
                          id={id}
                          form={form}
                          name={key}
                          type="number"
                          inputmode="numeric"
                          min={0}
                          max={100000}
                          required
                          value={mine?.typed[key] ?? String(p.par[i])}
                          aria-labelledby={`par-product-${p.id} par-day-${i}`}
                          aria-invalid={error ? "true" : undefined}
                          aria-describedby={error ? `${id}-error` : undefined}
                          class="field plan-cell"
                        />
                        {error && <span id={`${id}-error`} class="field-error">{error}</span>}
                      </td>
                    );
                  })}
                  <td>
                    <form id={form} method="post" action={`/admin/bake-plan/par/${p.id}`}>
                      <CsrfField token={csrfToken} />
                      <button type="submit" class="btn-secondary">
                        Save<span class="sr-only">the par of {p.name}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function PlanPage(view: PlanPageView) {
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="bake-plan"
      title="Bake plan"
      flash={view.flash}
      error={view.par ? "The par was not saved: see the marked row." : undefined}
    >
      <p>
        The next {view.grid.days.length} days of every daily product. Each date links to its{" "}
        <a href={`/board/bake-list?date=${view.today}`}>bake list</a>.
      </p>
      <PlanGridForm {...view} />
      <ApplySuggestions grid={view.grid} csrfToken={view.csrfToken} />
      <ParTable products={view.grid.products} csrfToken={view.csrfToken} problem={view.par} />
    </AdminLayout>
  );
}
