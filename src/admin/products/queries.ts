import type postgres from "postgres";
import type { Queryable } from "../../infra/db.ts";
import type { Allergen } from "../../catalog/allergens.ts";
import { likePattern } from "../../catalog/queries.ts";
import type { ProductInput } from "./schema.ts";

/** SQL of the admin product screens. */

export interface AdminProductRow {
  id: number;
  slug: string;
  name: string;
  categoryName: string;
  priceCents: number;
  stock: number;
  lowStockThreshold: number;
  active: boolean;
  imagePath: string | null;
  updatedAt: Date;
}

export interface AdminProduct {
  id: number;
  slug: string;
  name: string;
  description: string;
  priceCents: number;
  categoryId: number;
  allergens: Allergen[];
  ingredients: string;
  imagePath: string | null;
  lowStockThreshold: number;
  active: boolean;
  stock: number;
  version: number;
}

/** What the form decides about a product; `price` is in cents. */
export type ProductRecord = ProductInput & { imagePath: string | null };

export interface ProductListFilter {
  q?: string;
  categoryId?: number;
  status: "active" | "archived" | "all";
  sort: "name" | "price" | "stock" | "updated";
  dir: "asc" | "desc";
  limit: number;
  offset: number;
}

export async function listAdminProducts(
  sql: Queryable,
  f: ProductListFilter,
): Promise<{ items: AdminProductRow[]; total: number }> {
  const conditions: postgres.Fragment[] = [];
  if (f.status === "active") conditions.push(sql`p.active`);
  if (f.status === "archived") conditions.push(sql`not p.active`);
  if (f.categoryId) conditions.push(sql`p.category_id = ${f.categoryId}`);
  if (f.q) {
    const pattern = likePattern(f.q);
    conditions.push(sql`(p.name ilike ${pattern} or p.slug ilike ${pattern})`);
  }
  const where = conditions.reduce((all, next) => sql`${all} and ${next}`, sql`true`);
  const column = {
    name: sql`lower(p.name)`,
    price: sql`p.price_cents`,
    stock: sql`p.stock`,
    updated: sql`p.updated_at`,
  }[f.sort];
  const dir = f.dir === "desc" ? sql`desc` : sql`asc`;
  const [items, [count]] = await Promise.all([
    sql<AdminProductRow[]>`
      select p.id, p.slug, p.name, c.name as category_name, p.price_cents, p.stock,
             p.low_stock_threshold, p.active, p.image_path, p.updated_at
      from products p join categories c on c.id = p.category_id
      where ${where}
      order by ${column} ${dir}, p.id ${dir}
      limit ${f.limit} offset ${f.offset}`,
    sql<{ n: number }[]>`select count(*)::int as n from products p where ${where}`,
  ]);
  return { items, total: count.n };
}

const productColumns = (sql: Queryable) =>
  sql`id, slug, name, description, price_cents, category_id, allergens, ingredients, image_path,
      low_stock_threshold, active, stock, version`;

export async function findAdminProduct(sql: Queryable, id: number): Promise<AdminProduct | null> {
  const [row] = await sql<AdminProduct[]>`
    select ${productColumns(sql)} from products where id = ${id}`;
  return row ?? null;
}

/** The product, locked until the transaction ends: nobody else changes it meanwhile. */
export async function lockProduct(sql: Queryable, id: number): Promise<AdminProduct | null> {
  const [row] = await sql<AdminProduct[]>`
    select ${productColumns(sql)} from products where id = ${id} for update`;
  return row ?? null;
}

/** The product using a slug, other than `exceptId`. */
export async function slugOwner(sql: Queryable, slug: string, exceptId = 0) {
  const [row] = await sql<{ id: number; name: string }[]>`
    select id, name from products where slug = ${slug} and id <> ${exceptId}`;
  return row ?? null;
}

export async function categoryExists(sql: Queryable, id: number) {
  const [row] = await sql`select 1 from categories where id = ${id}`;
  return row !== undefined;
}

/** Inserts a product with no stock; null when the slug is taken. */
export async function insertProduct(
  sql: Queryable,
  p: ProductRecord,
): Promise<{ id: number; version: number } | null> {
  const [row] = await sql<{ id: number; version: number }[]>`
    insert into products (category_id, slug, name, description, price_cents, stock, allergens,
                          ingredients, image_path, active, low_stock_threshold)
    values (${p.categoryId}, ${p.slug}, ${p.name}, ${p.description}, ${p.price}, 0,
            ${p.allergens}::text[], ${p.ingredients}, ${p.imagePath}, ${p.active},
            ${p.lowStockThreshold})
    on conflict (slug) do nothing
    returning id, version`;
  return row ?? null;
}

/** Writes every field of the form and bumps the version (the caller checked it under lock). */
export async function updateProduct(
  sql: Queryable,
  id: number,
  p: ProductRecord,
): Promise<number> {
  const [row] = await sql<{ version: number }[]>`
    update products set
      category_id = ${p.categoryId}, slug = ${p.slug}, name = ${p.name},
      description = ${p.description}, price_cents = ${p.price},
      allergens = ${p.allergens}::text[], ingredients = ${p.ingredients},
      image_path = ${p.imagePath}, active = ${p.active},
      low_stock_threshold = ${p.lowStockThreshold}, version = version + 1, updated_at = now()
    where id = ${id}
    returning version`;
  return row.version;
}

/** Archives or restores; the version moves on so open edit forms see the change. */
export async function setProductActive(sql: Queryable, id: number, active: boolean) {
  const [row] = await sql<{ id: number; name: string; wasActive: boolean }[]>`
    update products p set active = ${active}, version = p.version + 1, updated_at = now()
    from (select id, active as was_active from products where id = ${id} for update) old
    where p.id = old.id
    returning p.id, p.name, old.was_active`;
  return row ?? null;
}

export async function categoryOptions(sql: Queryable) {
  return await sql<{ id: number; name: string }[]>`
    select id, name from categories order by position, name, id`;
}
