import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";

/** Bake suggestions for a date, each with its reason, applied to the plan only on request. */

export interface SuggestionRow {
  productId: number;
  name: string;
  planned: number;
  taken: number;
  suggested: number;
  basis: string;
  /** What the admin typed, when a submit was refused. */
  value?: string;
  error?: string;
}

export interface SuggestionsPageProps {
  shop: ShopView;
  viewer: Viewer;
  date: string;
  /** The date in words ("Saturday 21 November"). */
  dayWords: string;
  items: SuggestionRow[];
  /** Past dates show what would have been suggested, with nothing to apply. */
  applicable: boolean;
  csrfToken: string;
  flash?: string;
  error?: string;
}

export function SuggestionsPanel(p: Omit<SuggestionsPageProps, "shop" | "viewer">) {
  return (
    <section class="panel" id="bake-suggestions" aria-labelledby="suggestions-heading">
      <h2 id="suggestions-heading" class="section-heading">
        Suggested plan for {p.dayWords}
      </h2>
      {p.items.length === 0
        ? <p>There are no daily products to plan.</p>
        : (
          <form method="post" action="/admin/analytics/suggestions" id="suggestions-form">
            <CsrfField token={p.csrfToken} />
            <input type="hidden" name="date" value={p.date} />
            <table class="admin-table">
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Plan now</th>
                  <th scope="col">Ordered</th>
                  <th scope="col">Suggested</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {p.items.map((s) => (
                  <tr data-product={s.productId}>
                    <th scope="row">{s.name}</th>
                    <td>{s.planned}</td>
                    <td>{s.taken}</td>
                    <td>
                      <label class="sr-only" for={`qty-${s.productId}`}>Plan for {s.name}</label>
                      <input
                        class="field w-24"
                        type="number"
                        min={0}
                        max={100000}
                        step={1}
                        id={`qty-${s.productId}`}
                        name={`qty.${s.productId}`}
                        value={s.value ?? String(s.suggested)}
                        aria-invalid={s.error ? "true" : undefined}
                        aria-describedby={`why-${s.productId}${
                          s.error ? ` err-${s.productId}` : ""
                        }`}
                        disabled={!p.applicable}
                      />
                      {s.error && <p class="field-error" id={`err-${s.productId}`}>{s.error}</p>}
                    </td>
                    <td id={`why-${s.productId}`}>{s.basis}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {p.applicable
              ? (
                <button class="btn-primary mt-4" type="submit">
                  Apply to the plan for {p.dayWords}
                </button>
              )
              : <p class="mt-4">This date is over: its plan can no longer change.</p>}
          </form>
        )}
    </section>
  );
}

export function SuggestionsPage(p: SuggestionsPageProps) {
  return (
    <AdminLayout
      shop={p.shop}
      viewer={p.viewer}
      area="analytics"
      title="Bake suggestions"
      flash={p.flash}
      error={p.error}
    >
      <p>
        From what sold on the same weekday over the last six weeks, raised where it sold out early.
        Nothing changes until you apply it; you can adjust any number first.
      </p>
      <form method="get" action="/admin/analytics/suggestions" class="filter-form">
        <label class="form-row">
          Date <input class="field" type="date" name="date" value={p.date} required />
        </label>
        <button class="btn-primary self-end" type="submit">Suggest</button>
      </form>
      <SuggestionsPanel {...p} />
      <p>
        <a class="text-link" href="/admin/analytics">Back to sales</a>
      </p>
    </AdminLayout>
  );
}
