import type { Movement, StockRow } from "../../../src/admin/stock/queries.ts";
import { stockChanges } from "../../../src/admin/stock/schema.ts";
import { reasonWords, type StockReason } from "../../../src/stock/ledger.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField, type FormProblems } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import {
  counted,
  DataTable,
  EmptyState,
  FilterBar,
  Pager,
  ResultCount,
} from "../shared/list-kit.tsx";
import { AdminForm, Input, Select } from "../shared/form-parts.tsx";

export const stockFormId = (productId: number) => `stock-form-${productId}`;

export interface StockFormValues {
  change: string;
  quantity: string;
  note: string;
}

export const emptyStockForm: StockFormValues = { change: "bake", quantity: "", note: "" };

export interface StockFormView extends FormProblems {
  csrfToken: string;
  product: StockRow;
  /** The list URL to return to after saving. */
  back: string;
  values: StockFormValues;
}

const changeOptions = Object.entries(stockChanges).map(([value, c]) => ({
  value,
  label: c.label,
}));

/** One product's stock change: what, how many, an optional note. */
export function StockForm(view: StockFormView) {
  const { product, values, fields = {} } = view;
  const id = `stock-${product.id}`;
  return (
    <AdminForm
      id={stockFormId(product.id)}
      action={`/admin/stock/${product.id}`}
      label={`Change the stock of ${product.name}`}
      class="stock-form"
    >
      <CsrfField token={view.csrfToken} />
      <input type="hidden" name="back" value={view.back} />
      <Select
        id={`${id}-change`}
        name="change"
        label="Change"
        options={changeOptions}
        value={values.change}
        error={fields.change}
      />
      <Input
        id={`${id}-quantity`}
        name="quantity"
        label="Quantity"
        type="number"
        min={0}
        max={100000}
        value={values.quantity}
        required
        error={fields.quantity}
        autofocus={!!fields.quantity}
        class="w-28"
      />
      <Input
        id={`${id}-note`}
        name="note"
        label="Note (optional)"
        value={values.note}
        maxlength={200}
        error={fields.note}
      />
      <button type="submit" class="btn-primary">
        Save<span class="sr-only">the stock of {product.name}</span>
      </button>
    </AdminForm>
  );
}

export const LowFlag = ({ row }: { row: StockRow }) =>
  row.stock <= row.lowStockThreshold ? <span class="low-flag">Low</span> : null;

export interface StockPageView {
  shop: ShopView;
  viewer: Viewer;
  csrfToken: string;
  rows: StockRow[];
  query: { q?: string; low: boolean; page: number };
  total: number;
  pageCount: number;
  back: string;
  href: (page: number) => string;
  flash?: string;
  /** The form of one row as submitted, with its problems. */
  failed?: { productId: number; values: StockFormValues } & FormProblems;
}

export function StockPage(view: StockPageView) {
  const { query, failed } = view;
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="stock"
      title="Stock"
      flash={view.flash}
      error={failed?.error}
    >
      <p>
        <a href="/admin/stock/count" class="btn-primary inline-flex">Count all stock (one form)</a>
      </p>
      <FilterBar action="/admin/stock" class="panel flex flex-wrap gap-3 items-end">
        <Input
          id="stock-q"
          name="q"
          label="Search name or slug"
          type="search"
          value={query.q ?? ""}
          maxlength={100}
          class="flex-1 min-w-48"
        />
        <label class="choice">
          <input type="checkbox" name="low" value="1" checked={query.low} />
          <span class="font-semibold">Low stock only</span>
        </label>
      </FilterBar>
      <ResultCount>{counted(view.total, "product", "products")}</ResultCount>
      {view.rows.length > 0 && (
        <DataTable columns={["Product", "In stock", "Low at", "Change"]}>
          {view.rows.map((row) => (
            <tr id={`stock-row-${row.id}`}>
              <td data-label="Product">
                <a href={`/admin/stock/${row.id}`} class="font-semibold underline">
                  {row.name}
                </a>
                {!row.active && <div class="text-ink-soft">Archived</div>}
              </td>
              <td data-label="In stock" class="tabular-nums text-lg font-semibold">
                {row.stock} <LowFlag row={row} />
              </td>
              <td data-label="Low at" class="tabular-nums">{row.lowStockThreshold}</td>
              <td data-label="Change">
                <StockForm
                  csrfToken={view.csrfToken}
                  product={row}
                  back={view.back}
                  values={failed?.productId === row.id ? failed.values : emptyStockForm}
                  fields={failed?.productId === row.id ? failed.fields : undefined}
                />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <Pager page={query.page} pageCount={view.pageCount} href={view.href} />
    </AdminLayout>
  );
}

const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : "0");

export function StockHistoryPage(
  view: {
    shop: ShopView;
    viewer: Viewer;
    product: StockRow;
    movements: Movement[];
    page: number;
    pageCount: number;
    dateTime: (at: Date) => string;
    /** "Thu 3 Dec" for a plan's date. */
    dateLabel: (date: string) => string;
  },
) {
  const { product } = view;
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="stock"
      title={`Stock of ${product.name}`}
    >
      <p class="flex flex-wrap gap-4">
        <a href="/admin/stock" class="text-link">← All stock</a>
        <a href={`/admin/products/${product.id}`} class="text-link">Edit the product</a>
      </p>
      <p class="panel">
        <span class="text-lg font-semibold">{product.stock} in stock</span>{" "}
        <LowFlag row={product} />
        <span>· flagged low at {product.lowStockThreshold} or fewer</span>
      </p>
      {view.movements.length === 0
        ? <EmptyState>No stock changes recorded yet.</EmptyState>
        : (
          <DataTable columns={["When", "Change", "Stock after", "Reason", "Note", "By"]}>
            {view.movements.map((m) => (
              <tr>
                <td data-label="When">
                  {view.dateTime(m.at)}
                  {m.planDate && (
                    <span class="block text-xs text-ink-soft">
                      plan for {view.dateLabel(m.planDate)}
                    </span>
                  )}
                </td>
                <td data-label="Change" class="tabular-nums">{signed(m.delta)}</td>
                <td data-label="Stock after" class="tabular-nums">{m.stockAfter}</td>
                <td data-label="Reason">
                  {reasonWords[m.reason as StockReason] ?? m.reason}
                </td>
                <td data-label="Note">{m.note}</td>
                <td data-label="By">
                  {m.orderId
                    ? (
                      <a class="text-link" href={`/admin/orders/${m.orderId}`}>
                        Order {m.orderCode}
                      </a>
                    )
                    : m.actorName ?? "—"}
                  {m.orderId && m.actorName && (
                    <span class="block text-xs text-ink-soft">{m.actorName}</span>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      <Pager
        page={view.page}
        pageCount={view.pageCount}
        href={(page) => `/admin/stock/${product.id}${page > 1 ? `?page=${page}` : ""}`}
      />
    </AdminLayout>
  );
}
