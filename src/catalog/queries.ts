import type postgres from "postgres";
import type { Queryable } from "../infra/db.ts";
import type { Allergen } from "./allergens.ts";

/** A product as the shop shows it, without stock: stock is always read fresh. */
export interface ProductInfo {
  id: number;
  slug: string;
  name: string;
  description: string;
  priceCents: number;
  allergens: Allergen[];
  /** What it is made of, as the shop writes it ("" when not given). */
  ingredients: string;
  imagePath: string | null;
  categoryId: number;
  categorySlug: string;
  categoryName: string;
  /** daily, made_to_order or shelf: where an order takes it from. */
  kind: "daily" | "made_to_order" | "shelf";
  /** Hours of notice a made-to-order product needs. */
  leadTimeHours: number;
  version: number;
}

export interface Category {
  id: number;
  slug: string;
  name: string;
  description: string;
  position: number;
  productCount: number;
}

export type ProductSort = "name" | "price_asc" | "price_desc" | "newest";

export interface ProductFilter {
  categorySlug?: string;
  search?: string;
  /** Leave out products containing any of these allergens. */
  freeFrom?: Allergen[];
  sort: ProductSort;
  limit: number;
  offset: number;
}

const productColumns = (sql: Queryable) =>
  sql`
    p.id, p.slug, p.name, p.description, p.price_cents, p.allergens, p.ingredients, p.image_path,
    p.category_id, c.slug as category_slug, c.name as category_name, p.kind, p.lead_time_hours,
    p.version`;

/** Escapes LIKE wildcards so a search for "50%" means the text "50%". */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;

export async function listCategories(sql: Queryable): Promise<Category[]> {
  return await sql<Category[]>`
    select c.id, c.slug, c.name, c.description, c.position,
           (select count(*)::int from products p where p.category_id = c.id and p.active)
             as product_count
    from categories c
    order by c.position, c.name`;
}

export async function findProducts(
  sql: Queryable,
  filter: ProductFilter,
): Promise<{ items: ProductInfo[]; total: number }> {
  const conditions = [sql`p.active`];
  if (filter.categorySlug) conditions.push(sql`c.slug = ${filter.categorySlug}`);
  if (filter.search) {
    const pattern = likePattern(filter.search);
    conditions.push(sql`(p.name ilike ${pattern} or p.description ilike ${pattern})`);
  }
  if (filter.freeFrom?.length) {
    conditions.push(sql`not (p.allergens && ${filter.freeFrom}::text[])`);
  }
  const where: postgres.Fragment = conditions.reduce((all, next) => sql`${all} and ${next}`);
  // "name" is the shop's own order (category by category); the others span the catalog.
  const orderBy = {
    name: sql`c.position, c.name, p.name, p.id`,
    price_asc: sql`p.price_cents, p.name, p.id`,
    price_desc: sql`p.price_cents desc, p.name, p.id`,
    newest: sql`p.created_at desc, p.id desc`,
  }[filter.sort];
  const rows = await sql<(ProductInfo & { total: number })[]>`
    select ${productColumns(sql)}, count(*) over ()::int as total
    from products p join categories c on c.id = p.category_id
    where ${where}
    order by ${orderBy}
    limit ${filter.limit} offset ${filter.offset}`;
  const total = rows[0]?.total ?? (filter.offset > 0 ? await countProducts(sql, where) : 0);
  return { items: rows.map(({ total: _, ...info }) => info), total };
}

// Only asked when a page past the end was requested and returned no rows.
async function countProducts(sql: Queryable, where: postgres.Fragment) {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from products p join categories c on c.id = p.category_id
    where ${where}`;
  return row.n;
}

/** A product by numeric id or by slug; archived products are not found. */
export async function findProduct(sql: Queryable, idOrSlug: string): Promise<ProductInfo | null> {
  const byId = /^\d{1,9}$/.test(idOrSlug);
  const [row] = await sql<ProductInfo[]>`
    select ${productColumns(sql)}
    from products p join categories c on c.id = p.category_id
    where p.active and ${byId ? sql`p.id = ${Number(idOrSlug)}` : sql`p.slug = ${idOrSlug}`}`;
  return row ?? null;
}

/**
 * Current stock of the given products, today: never cached. Shelf stock, or today's plan
 * remaining of a daily product (its par when today has no plan row yet); null for made to
 * order (no cap). One statement, no fragments: the stock reader shares it across requests.
 */
export async function stockOf(
  sql: Queryable,
  ids: number[],
  today: string,
): Promise<Map<number, number | null>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ id: number; stock: number | null }[]>`
    select p.id, case p.kind
        when 'shelf' then p.stock
        when 'daily' then coalesce(d.remaining, p.par[extract(isodow from ${today}::date)::int])
      end as stock
    from products p left join product_days d on d.product_id = p.id and d.date = ${today}::date
    where p.id = any(${ids}::int[])`;
  return new Map(rows.map((r) => [r.id, r.stock]));
}

export interface NewCategory {
  slug: string;
  name: string;
  description?: string;
  position?: number;
}

export interface NewProduct {
  categoryId: number;
  slug: string;
  name: string;
  description?: string;
  priceCents: number;
  stock: number;
  allergens?: Allergen[];
  ingredients?: string;
  imagePath?: string | null;
  active?: boolean;
  kind?: "daily" | "made_to_order" | "shelf";
  leadTimeHours?: number;
  /** Par per weekday, Monday first. */
  par?: number[];
}

/** Inserts a category unless its slug exists; returns the id either way. */
export async function ensureCategory(sql: Queryable, c: NewCategory): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    with inserted as (
      insert into categories (slug, name, description, position)
      values (${c.slug}, ${c.name}, ${c.description ?? ""}, ${c.position ?? 0})
      on conflict (slug) do nothing
      returning id
    )
    select id from inserted union all select id from categories where slug = ${c.slug}
    limit 1`;
  return row.id;
}

/** Inserts a product unless its slug exists; returns the id and whether it was new. */
export async function ensureProduct(
  sql: Queryable,
  p: NewProduct,
): Promise<{ id: number; created: boolean }> {
  const [row] = await sql<{ id: number; created: boolean }[]>`
    with inserted as (
      insert into products (category_id, slug, name, description, price_cents, stock, allergens,
        ingredients, image_path, active, kind, lead_time_hours, par)
      values (${p.categoryId}, ${p.slug}, ${p.name}, ${p.description ?? ""}, ${p.priceCents},
              ${p.stock}, ${p.allergens ?? []}::text[], ${p.ingredients ?? ""},
              ${p.imagePath ?? null}, ${p.active ?? true},
              ${p.kind ?? "shelf"}, ${p.leadTimeHours ?? 0}, ${
    p.par ?? [0, 0, 0, 0, 0, 0, 0]
  }::int[])
      on conflict (slug) do nothing
      returning id
    )
    select id, true as created from inserted
    union all select id, false from products where slug = ${p.slug}
    limit 1`;
  return row;
}

export interface ProductChanges {
  name?: string;
  description?: string;
  priceCents?: number;
  allergens?: Allergen[];
  imagePath?: string | null;
  active?: boolean;
  categoryId?: number;
}

/** Applies changes if the product is still at `expectedVersion`; null when it moved on. */
export async function updateProductRow(
  sql: Queryable,
  id: number,
  changes: ProductChanges,
  expectedVersion?: number,
): Promise<{ id: number; version: number } | null> {
  const values: Record<string, string | number | boolean | null> = {};
  if (changes.name !== undefined) values.name = changes.name;
  if (changes.description !== undefined) values.description = changes.description;
  if (changes.priceCents !== undefined) values.price_cents = changes.priceCents;
  if (changes.imagePath !== undefined) values.image_path = changes.imagePath;
  if (changes.active !== undefined) values.active = changes.active;
  if (changes.categoryId !== undefined) values.category_id = changes.categoryId;
  // One fragment per assignment: postgres.js's sql(object) helper only knows it is in an
  // `update … set` when it sits directly in that query's text, not in a nested fragment.
  const assignments = Object.entries(values).map(([column, value]) =>
    sql`${sql(column)} = ${value}`
  );
  if (changes.allergens !== undefined) {
    assignments.push(sql`allergens = ${changes.allergens}::text[]`);
  }
  assignments.push(sql`version = version + 1`, sql`updated_at = now()`);
  const set = assignments.reduce((all, next) => sql`${all}, ${next}`);
  const [row] = await sql<{ id: number; version: number }[]>`
    update products set ${set}
    where id = ${id}
      ${expectedVersion === undefined ? sql`` : sql`and version = ${expectedVersion}`}
    returning id, version`;
  return row ?? null;
}

/** Sets stock to an absolute value; returns the new stock or null for an unknown product. */
export async function setStockRow(sql: Queryable, id: number, stock: number) {
  const [row] = await sql<{ id: number; stock: number }[]>`
    update products set stock = ${stock}, updated_at = now() where id = ${id}
    returning id, stock`;
  return row ?? null;
}

export async function recordProductView(sql: Queryable, productId: number, day: string) {
  await sql`
    insert into product_views_daily (product_id, day, views) values (${productId}, ${day}, 1)
    on conflict (product_id, day) do update set views = product_views_daily.views + 1`;
}

/** Today's stock of every product on sale, for live pages catching up after a reconnect. */
export async function stockOfActive(sql: Queryable, today: string) {
  return await sql<{ id: number; stock: number | null }[]>`
    select p.id, case p.kind
        when 'shelf' then p.stock
        when 'daily' then coalesce(d.remaining, p.par[extract(isodow from ${today}::date)::int])
      end as stock
    from products p left join product_days d on d.product_id = p.id and d.date = ${today}::date
    where p.active order by p.id`;
}
