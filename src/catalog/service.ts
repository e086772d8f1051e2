import type { Sql } from "../infra/db.ts";
import type { LiveHub } from "../live/hub.ts";
import { publishShelf } from "../bakery/live.ts";
import type { CatalogCache } from "./cache.ts";
import { createStockReader } from "./stock-reader.ts";
import {
  type Category,
  findProduct,
  findProducts,
  listCategories,
  type ProductChanges,
  type ProductFilter,
  type ProductInfo,
  setStockRow,
  updateProductRow,
} from "./queries.ts";

export type { ProductWithStock } from "../../views/catalog/product-card.tsx";
import type { ProductWithStock } from "../../views/catalog/product-card.tsx";

export interface CatalogDeps {
  sql: Sql;
  cache: CatalogCache;
  live: LiveHub;
  /** The shop's date now: the stock shown is today's. */
  today: () => string;
}

export { TODAY_TOPIC as STOCK_TOPIC } from "../bakery/live.ts";

/** Reads the catalog (info from the cache, stock always from the database) and writes it. */
export function createCatalog({ sql, cache, live, today }: CatalogDeps) {
  const readStock = createStockReader(sql, today);
  const withStock = async (items: ProductInfo[]): Promise<ProductWithStock[]> => {
    const stock = await readStock(items.map((p) => p.id));
    return items.map((p) => ({ ...p, stock: stock.has(p.id) ? stock.get(p.id)! : 0 }));
  };

  const productsEntry = (filter: ProductFilter) => ({
    key: `products:${filter.categorySlug ?? ""}:${filter.sort}:${filter.limit}:${filter.offset}`,
    load: () => findProducts(sql, filter),
  });

  return {
    async categories(): Promise<Category[]> {
      const [categories] = await cache.read<[Category[]]>([
        { key: "categories", load: () => listCategories(sql) },
      ]);
      return categories;
    },

    /** Categories and one page of products, in one cache round trip. */
    async browse(filter: ProductFilter) {
      // Free-text searches are not cached: every distinct phrase would be a new entry.
      const [categories, found] = filter.search
        ? await Promise.all([this.categories(), findProducts(sql, filter)])
        : await cache.read<[Category[], Awaited<ReturnType<typeof findProducts>>]>([
          { key: "categories", load: () => listCategories(sql) },
          productsEntry(filter),
        ]);
      return { categories, total: found.total, items: await withStock(found.items) };
    },

    async product(idOrSlug: string): Promise<ProductWithStock | null> {
      const [info] = await cache.read<[ProductInfo | null]>([
        { key: `product:${idOrSlug}`, load: () => findProduct(sql, idOrSlug) },
      ]);
      if (!info) return null;
      const [product] = await withStock([info]);
      return product;
    },

    /** Changes a product; false when `expectedVersion` no longer matches. */
    async updateProduct(id: number, changes: ProductChanges, expectedVersion?: number) {
      const row = await updateProductRow(sql, id, changes, expectedVersion);
      await cache.invalidate();
      return row;
    },

    /** After any other write to products or categories: the shop shows it on the next request. */
    changed: () => cache.invalidate(),

    /** Sets a shelf product's stock (daily products keep theirs in each date's plan). */
    async setStock(id: number, stock: number) {
      const row = await setStockRow(sql, id, stock);
      if (row) await publishStock(live, [row]);
      return row;
    },
  };
}

export type Catalog = ReturnType<typeof createCatalog>;

/** Tells every open catalog, product and cart page the new shelf stock of these products. */
export const publishStock = publishShelf;
