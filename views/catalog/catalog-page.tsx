import type { Category } from "../../src/catalog/queries.ts";
import type { ShopView, Viewer } from "../context.ts";
import { Layout } from "../layout.tsx";
import { Flash } from "../accounts/form-parts.tsx";
import { raw } from "hono/html";
import type { CardRenderer, ProductWithStock } from "./product-card.tsx";
import { DayPicker, type ShopDay } from "./day-picker.tsx";

export interface CatalogView {
  shop: ShopView;
  categories: Category[];
  products: ProductWithStock[];
  total: number;
  page: number;
  pageCount: number;
  query: { q?: string; category?: string; sort: string };
  /** Token for the add-to-cart forms. */
  csrf: string;
  /** The pickup day the stock and availability are for. */
  day: ShopDay;
  /** Renders the product cards (kept per product version). */
  card: CardRenderer;
}

/** Cards whose photos load at once: the first row on a wide screen, more than a phone shows. */
const EAGER_CARDS = 4;

/** The URL of this catalog state with some parameters changed; empty ones are left out. */
export function catalogHref(query: CatalogView["query"], changes: Record<string, string | number>) {
  const merged: Record<string, string> = {};
  if (query.q) merged.q = query.q;
  if (query.category) merged.category = query.category;
  if (query.sort && query.sort !== "name") merged.sort = query.sort;
  for (const [key, value] of Object.entries(changes)) {
    if (value === "" || value === 1 && key === "page") delete merged[key];
    else merged[key] = String(value);
  }
  const search = new URLSearchParams(merged).toString();
  return search ? `/?${search}` : "/";
}

const sorts = [
  ["name", "Name"],
  ["price_asc", "Price: low to high"],
  ["price_desc", "Price: high to low"],
  ["newest", "Newest"],
] as const;

export function CatalogFilters({ categories, query }: Pick<CatalogView, "categories" | "query">) {
  return (
    <form
      method="get"
      action="/"
      role="search"
      class="flex flex-col gap-4 mb-6"
      hx-get="/"
      hx-trigger="input delay:300ms, submit"
      hx-target="#catalog-results"
      hx-swap="outerHTML"
      hx-push-url="true"
      hx-indicator="#catalog-results"
    >
      <div class="flex flex-wrap gap-3 items-end">
        <div class="flex-1 min-w-56">
          <label for="catalog-search" class="block text-sm font-semibold mb-1">
            Search the bakery
          </label>
          <input
            id="catalog-search"
            type="search"
            name="q"
            value={query.q ?? ""}
            maxlength={100}
            placeholder="Croissant, rye, gluten…"
            autocomplete="off"
            class="field w-full"
          />
        </div>
        <div>
          <label for="catalog-sort" class="block text-sm font-semibold mb-1">Sort by</label>
          <select id="catalog-sort" name="sort" class="field">
            {sorts.map(([value, label]) => (
              <option value={value} selected={query.sort === value}>{label}</option>
            ))}
          </select>
        </div>
        <button type="submit" class="btn-primary">Search</button>
      </div>
      <fieldset>
        <legend class="text-sm font-semibold mb-2">Category</legend>
        <div class="flex flex-wrap gap-2">
          <label class="chip">
            <input type="radio" name="category" value="" checked={!query.category} />
            <span>All</span>
          </label>
          {categories.map((c) => (
            <label class="chip">
              <input
                type="radio"
                name="category"
                value={c.slug}
                checked={query.category === c.slug}
              />
              <span>
                {c.name} <span class="text-ink-soft">({c.productCount})</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </form>
  );
}

/** The part htmx replaces when the filters change. */
export function CatalogResults(
  { products, total, page, pageCount, query, csrf, card }: Omit<CatalogView, "categories">,
) {
  return (
    <section id="catalog-results" aria-labelledby="results-heading" class="results">
      <h2 id="results-heading" class="sr-only">Products</h2>
      <p class="text-sm text-ink-soft mb-3" aria-live="polite">
        {total === 0
          ? "Nothing matches that search. Try another word or category."
          : `${total} ${total === 1 ? "product" : "products"}${
            query.q ? ` matching “${query.q}”` : ""
          }`}
      </p>
      <ul class="grid gap-5 grid-cols-1 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
        {raw(products.map((p, i) => card(p, csrf, { lazy: i >= EAGER_CARDS })).join(""))}
      </ul>
      {pageCount > 1 && (
        <nav aria-label="Pages" class="flex items-center justify-center gap-3 mt-8">
          {page > 1 && (
            <a class="btn-secondary" href={catalogHref(query, { page: page - 1 })} rel="prev">
              ← Previous
            </a>
          )}
          <span class="text-sm">Page {page} of {pageCount}</span>
          {page < pageCount && (
            <a class="btn-secondary" href={catalogHref(query, { page: page + 1 })} rel="next">
              Next →
            </a>
          )}
        </nav>
      )}
    </section>
  );
}

export function CatalogPage(view: CatalogView & { viewer: Viewer; flash?: string }) {
  const current = view.categories.find((c) => c.slug === view.query.category);
  return (
    <Layout
      shop={view.shop}
      title={current ? current.name : view.shop.name}
      description="Order fresh bread, pastries and cakes for pickup."
      section="shop"
      live
      viewer={view.viewer}
    >
      <div hx-sse:connect={`/events/stock?date=${view.day.date}`} hx-swap="none" hidden></div>
      <div class="mb-6">
        <h1 class="font-display text-3xl font-bold text-brown">
          {current ? current.name : "Fresh from the oven"}
        </h1>
        <p class="text-ink-soft mt-1">
          {current
            ? current.description
            : "Order today's bakes ahead and collect them warm at the counter."}
        </p>
      </div>
      <Flash message={view.flash} />
      <DayPicker day={view.day} href={(date) => catalogHref(view.query, { date })} />
      <CatalogFilters categories={view.categories} query={view.query} />
      <CatalogResults {...view} />
    </Layout>
  );
}
