import type { AdminProductRow } from "../../../src/admin/products/queries.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { formatMoney } from "../../format.ts";
import { AdminLayout } from "../shared/layout.tsx";
import { counted, DataTable, FilterBar, ListResults } from "../shared/list-kit.tsx";
import { Select } from "../shared/form-parts.tsx";

export const PRODUCT_RESULTS_ID = "product-results";

export interface ProductListState {
  q?: string;
  category?: number;
  status: "active" | "archived" | "all";
  sort: "name" | "price" | "stock" | "updated";
  dir: "asc" | "desc";
  page: number;
}

export interface ProductListView {
  shop: ShopView;
  state: ProductListState;
  categories: { id: number; name: string }[];
  items: AdminProductRow[];
  total: number;
  pageCount: number;
  dateTime: (at: Date) => string;
  /** The list URL with some parameters changed (every filter kept). */
  href: (changes: Partial<ProductListState>) => string;
}

const statuses = [
  { value: "active", label: "On sale" },
  { value: "archived", label: "Archived" },
  { value: "all", label: "All" },
];

/** A column heading that sorts by it; a second click reverses the order. */
function SortHeading(
  { view, sort, label }: { view: ProductListView; sort: ProductListState["sort"]; label: string },
) {
  const current = view.state.sort === sort;
  const next = current && view.state.dir === "asc" ? "desc" : "asc";
  return (
    <th
      scope="col"
      aria-sort={current ? (view.state.dir === "asc" ? "ascending" : "descending") : undefined}
    >
      <a href={view.href({ sort, dir: next, page: 1 })} class="underline">
        {label}
        {current && <span aria-hidden="true">{view.state.dir === "asc" ? " ↑" : " ↓"}</span>}
      </a>
    </th>
  );
}

export function ProductFilters({ view }: { view: ProductListView }) {
  const { state } = view;
  return (
    <FilterBar
      action="/admin/products"
      results={PRODUCT_RESULTS_ID}
      trigger="input delay:300ms, submit"
      class="panel flex flex-wrap items-end gap-3"
    >
      <div class="form-row flex-1 min-w-48">
        <label for="products-q" class="font-semibold">Search name or slug</label>
        <input
          id="products-q"
          type="search"
          name="q"
          value={state.q ?? ""}
          maxlength={100}
          autocomplete="off"
          class="field w-full"
        />
      </div>
      <Select
        id="products-category"
        name="category"
        label="Category"
        placeholder="All categories"
        options={view.categories.map((c) => ({ value: String(c.id), label: c.name }))}
        value={state.category ? String(state.category) : ""}
      />
      <Select
        id="products-status"
        name="status"
        label="Status"
        options={statuses}
        value={state.status}
      />
      <input type="hidden" name="sort" value={state.sort} />
      <input type="hidden" name="dir" value={state.dir} />
    </FilterBar>
  );
}

export function ProductResults({ view }: { view: ProductListView }) {
  const { shop } = view;
  const columns = [
    <SortHeading view={view} sort="name" label="Name" />,
    "Category",
    <SortHeading view={view} sort="price" label="Price" />,
    <SortHeading view={view} sort="stock" label="Stock" />,
    "Status",
    <SortHeading view={view} sort="updated" label="Updated" />,
  ];
  return (
    <ListResults
      id={PRODUCT_RESULTS_ID}
      label="Products"
      count={view.total === 0
        ? "No product matches these filters."
        : counted(view.total, "product", "products")}
      hasRows={view.items.length > 0}
      page={view.state.page}
      pageCount={view.pageCount}
      href={(page) => view.href({ page })}
    >
      <DataTable columns={columns}>
        {view.items.map((p) => (
          <tr>
            <td data-label="Name">
              <a href={`/admin/products/${p.id}`} class="font-semibold underline">{p.name}</a>
              <div class="text-ink-soft">{p.slug}</div>
            </td>
            <td data-label="Category">{p.categoryName}</td>
            <td data-label="Price" class="tabular-nums">
              {formatMoney(p.priceCents, shop.currency, shop.locale)}
            </td>
            <td data-label="Stock" class="tabular-nums">
              {p.stock}
              {p.stock <= p.lowStockThreshold && <span class="low-flag">Low</span>}
            </td>
            <td data-label="Status">{p.active ? "On sale" : "Archived"}</td>
            <td data-label="Updated">{view.dateTime(p.updatedAt)}</td>
          </tr>
        ))}
      </DataTable>
    </ListResults>
  );
}

export function ProductListPage(view: ProductListView & { viewer: Viewer; flash?: string }) {
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="products"
      title="Products"
      flash={view.flash}
    >
      <p>
        <a href="/admin/products/new" class="btn-primary">New product</a>
      </p>
      <ProductFilters view={view} />
      <ProductResults view={view} />
    </AdminLayout>
  );
}
