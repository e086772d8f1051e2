import type { Category } from "../../src/catalog/queries.ts";
import { type Allergen, allergenLabels, allergens } from "../../src/catalog/allergens.ts";
import type { ShopView, Viewer } from "../context.ts";
import { Layout } from "../layout.tsx";
import { Flash } from "../accounts/form-parts.tsx";
import { raw } from "hono/html";
import type { CardRenderer, ProductWithStock } from "./product-card.tsx";
import { StockNews } from "./stock-badge.tsx";
import { DayPicker, type ShopDay } from "./day-picker.tsx";

export interface CatalogView {
  shop: ShopView;
  categories: Category[];
  products: ProductWithStock[];
  total: number;
  page: number;
  pageCount: number;
  query: { q?: string; category?: string; sort: string; freeFrom?: Allergen[] };
  /** Token for the add-to-cart forms. */
  csrf: string;
  /** The pickup day the stock and availability are for. */
  day: ShopDay;
  /** Renders the product cards (kept per product version). */
  card: CardRenderer;
  /** The product just added without JavaScript: its card says so. */
  addedProductId?: number;
}

/** Cards whose photos load at once: the first row on a wide screen, more than a phone shows. */
const EAGER_CARDS = 4;

/** The URL of this catalog state with some parameters changed; empty ones are left out. */
export function catalogHref(query: CatalogView["query"], changes: Record<string, string | number>) {
  const merged: Record<string, string> = {};
  if (query.q) merged.q = query.q;
  if (query.category) merged.category = query.category;
  if (query.sort && query.sort !== "name") merged.sort = query.sort;
  if (query.freeFrom?.length) merged["free-from"] = query.freeFrom.join(",");
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
  const categoryName = categories.find((c) => c.slug === query.category)?.name;
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
      <div class="flex flex-wrap gap-2 md:gap-3 items-end">
        <div class="flex-1 min-w-40 md:min-w-56">
          <label for="catalog-search" class="block text-sm font-semibold mb-1">
            Search the bakery
          </label>
          <input
            id="catalog-search"
            type="search"
            name="q"
            value={query.q ?? ""}
            maxlength={100}
            placeholder="Croissant, rye, lemon…"
            autocomplete="off"
            class="field w-full"
          />
        </div>
        <button type="submit" class="btn-primary">Search</button>
      </div>
      {
        /* On a phone the other filters wait behind "Filters", so the first products show on
          the first screen; from md they are always shown (the summary is hidden). */
      }
      <details class="catalog-filters">
        <summary class="btn-secondary catalog-filters-toggle">
          Filters{chosenWords({ ...query, categoryName }) && (
            <span class="font-normal">: {chosenWords({ ...query, categoryName })}</span>
          )}
        </summary>
        <div class="flex flex-col gap-4 pt-3 md:pt-0">
          <div>
            <label for="catalog-sort" class="block text-sm font-semibold mb-1">Sort by</label>
            <select id="catalog-sort" name="sort" class="field">
              {sorts.map(([value, label]) => (
                <option value={value} selected={query.sort === value}>{label}</option>
              ))}
            </select>
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
                    {c.name} <span class="chip-count">({c.productCount})</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <FreeFrom chosen={query.freeFrom ?? []} />
        </div>
      </details>
    </form>
  );
}

/** What the closed "Filters" button says is chosen: "Bread, 2 allergens left out". */
function chosenWords(
  query: CatalogView["query"] & { categoryName?: string },
): string {
  const parts: string[] = [];
  if (query.categoryName) parts.push(query.categoryName);
  const left = query.freeFrom?.length ?? 0;
  if (left) parts.push(left === 1 ? "1 allergen left out" : `${left} allergens left out`);
  if (query.sort && query.sort !== "name") {
    parts.push(sorts.find(([v]) => v === query.sort)?.[1] ?? "");
  }
  return parts.filter(Boolean).join(", ");
}

/**
 * The EU-14 allergens as checkboxes: products containing any ticked one are left out. A
 * disclosure, open while something is chosen, so it costs one line on a phone otherwise.
 */
function FreeFrom({ chosen }: { chosen: Allergen[] }) {
  return (
    <details class="free-from" open={chosen.length > 0}>
      <summary class="text-sm font-semibold cursor-pointer">
        Free from{chosen.length > 0
          ? `: ${chosen.map((a) => allergenLabels[a]).join(", ")}`
          : " (allergens)"}
      </summary>
      <fieldset class="mt-2">
        <legend class="sr-only">Leave out products that contain</legend>
        <div class="flex flex-wrap gap-2">
          {allergens.map((a) => (
            <label class="chip">
              <input type="checkbox" name="free-from" value={a} checked={chosen.includes(a)} />
              <span>{allergenLabels[a]}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </details>
  );
}

/** ", free from gluten and milk" for the result count; "" when nothing is left out. */
const freeFromWords = (freeFrom: Allergen[] = []) => {
  if (freeFrom.length === 0) return "";
  const names = freeFrom.map((a) => allergenLabels[a].toLowerCase());
  const last = names.pop()!;
  return `, free from ${names.length ? `${names.join(", ")} and ${last}` : last}`;
};

/**
 * How many products the filters found: a live region that stays in the page (a filter change
 * fills it out of band) so screen readers announce each new count.
 */
export function ResultCount(
  { total, query, outOfBand }: Pick<CatalogView, "total" | "query"> & { outOfBand?: boolean },
) {
  return (
    <p
      id="result-count"
      class="text-sm text-ink-soft mb-3"
      role="status"
      hx-swap-oob={outOfBand ? "innerHTML" : undefined}
    >
      {total === 0
        ? "Nothing matches that search. Try another word, category or fewer allergens."
        : `${total} ${total === 1 ? "product" : "products"}${
          query.q ? ` matching “${query.q}”` : ""
        }${freeFromWords(query.freeFrom)}`}
    </p>
  );
}

/** The part htmx replaces when the filters change. */
export function CatalogResults(
  { products, page, pageCount, query, csrf, card, addedProductId }: Omit<
    CatalogView,
    "categories"
  >,
) {
  return (
    <section id="catalog-results" aria-labelledby="results-heading" class="results">
      <h2 id="results-heading" class="sr-only">Products</h2>

      <ul class="grid gap-5 grid-cols-1 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
        {raw(
          products.map((p, i) =>
            card(p, csrf, { lazy: i >= EAGER_CARDS, added: p.id === addedProductId })
          ).join(""),
        )}
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
      <StockNews />
      <div class="mb-4 md:mb-6">
        <h1 class="font-display text-2xl md:text-3xl font-bold text-brown">
          {current ? current.name : "Fresh from the oven"}
        </h1>
        <p class="text-ink-soft mt-1 text-sm md:text-base">
          {current
            ? current.description
            : "Order today's bakes ahead and collect them warm at the counter."}
        </p>
      </div>
      <Flash message={view.flash} />
      <DayPicker day={view.day} href={(date) => catalogHref(view.query, { date })} />
      <CatalogFilters categories={view.categories} query={view.query} />
      <ResultCount total={view.total} query={view.query} />
      <CatalogResults {...view} />
    </Layout>
  );
}
