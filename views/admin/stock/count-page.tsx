import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { CountTable, type CountTableView } from "./count-table.tsx";

export interface CountPageView extends CountTableView {
  shop: ShopView;
  viewer: Viewer;
  csrfToken: string;
  note: string;
  flash?: string;
  error?: string;
}

/** The morning count: every product in one form, one save. */
export function CountPage(view: CountPageView) {
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="stock"
      title="Count all stock"
      flash={view.flash}
      error={view.error}
    >
      <p class="flex flex-wrap gap-4">
        <a href="/admin/stock" class="text-link">← Stock, one product at a time</a>
      </p>
      <form id="stock-count" method="post" action="/admin/stock/count" class="flex flex-col gap-4">
        <CsrfField token={view.csrfToken} />
        <p class="text-ink-soft">
          Type what you counted; leave a box empty to keep the product as it is. A daily product's
          count is what is left of today's plan. One save records every change.
        </p>
        <CountTable {...view} />
        <label class="flex flex-col gap-1 max-w-md">
          <span class="font-semibold">Note (optional)</span>
          <input
            name="note"
            class="field"
            maxlength={200}
            value={view.note}
            aria-invalid={view.fields.note ? "true" : undefined}
          />
          {view.fields.note && <span class="field-error">{view.fields.note}</span>}
        </label>
        <p>
          <button type="submit" class="btn-primary">Save the count</button>
        </p>
      </form>
    </AdminLayout>
  );
}
