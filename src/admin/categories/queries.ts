import type { Queryable } from "../../infra/db.ts";
import type { CategoryInput } from "./schema.ts";

/** SQL of the admin category screen. */

export interface AdminCategory {
  id: number;
  slug: string;
  name: string;
  description: string;
  position: number;
  /** Every product in it, archived ones included (they keep their category). */
  productCount: number;
  archivedCount: number;
}

const withCounts = (sql: Queryable) =>
  sql`
    c.id, c.slug, c.name, c.description, c.position,
    (select count(*)::int from products p where p.category_id = c.id) as product_count,
    (select count(*)::int from products p where p.category_id = c.id and not p.active)
      as archived_count`;

export async function listAdminCategories(sql: Queryable): Promise<AdminCategory[]> {
  return await sql<AdminCategory[]>`
    select ${withCounts(sql)} from categories c order by c.position, c.name, c.id`;
}

export async function findAdminCategory(
  sql: Queryable,
  id: number,
  lock = false,
): Promise<AdminCategory | null> {
  const [row] = await sql<AdminCategory[]>`
    select ${withCounts(sql)} from categories c where c.id = ${id}
    ${lock ? sql`for update` : sql``}`;
  return row ?? null;
}

export async function categorySlugOwner(sql: Queryable, slug: string, exceptId = 0) {
  const [row] = await sql<{ id: number; name: string }[]>`
    select id, name from categories where slug = ${slug} and id <> ${exceptId}`;
  return row ?? null;
}

/** A new category, last in the shop's order; null when the slug is taken. */
export async function insertCategory(sql: Queryable, c: CategoryInput) {
  const [row] = await sql<{ id: number }[]>`
    insert into categories (slug, name, description, position)
    select ${c.slug}, ${c.name}, ${c.description}, coalesce(max(position), 0) + 1 from categories
    on conflict (slug) do nothing
    returning id`;
  return row?.id ?? null;
}

export async function updateCategory(sql: Queryable, id: number, c: CategoryInput) {
  await sql`
    update categories
    set slug = ${c.slug}, name = ${c.name}, description = ${c.description}, updated_at = now()
    where id = ${id}`;
}

/** Deletes the category if no product (archived or not) is in it; false otherwise. */
export async function deleteEmptyCategory(sql: Queryable, id: number) {
  const rows = await sql`
    delete from categories c where c.id = ${id}
      and not exists (select 1 from products p where p.category_id = c.id)
    returning id`;
  return rows.length === 1;
}

/** Every category id in the shop's order, locked so two moves cannot interleave. */
export async function lockedOrder(sql: Queryable): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    select id from categories order by position, name, id for update`;
  return rows.map((r) => r.id);
}

/** Positions 1, 2, 3 … in the order given. */
export async function writeOrder(sql: Queryable, ids: number[]) {
  await sql`
    update categories c set position = o.position, updated_at = now()
    from unnest(${ids}::int[]) with ordinality as o(id, position)
    where c.id = o.id and c.position is distinct from o.position`;
}
