import type { Sql } from "../infra/db.ts";
import { demoCategories, demoProducts, demoSchedule } from "./demo-data.ts";
import { ensureCategory, ensureProduct } from "./queries.ts";

const SEED_LOCK = 7264532;

/**
 * Inserts the demo bakery's missing categories and products; existing ones are left as they
 * are. With `schedules` (the default) new products get the demo bakery's kinds, pars and
 * lead times; without, every product is a shelf product with its stock, as in a shop that
 * has just upgraded to bakery days.
 */
export async function seedDemoCatalog(
  sql: Sql,
  { schedules = true }: { schedules?: boolean } = {},
): Promise<{ productsCreated: number }> {
  return await sql.begin(async (tx) => {
    // Two instances starting on an empty database seed one after the other: without the
    // lock the second's "insert … on conflict do nothing" waits for the first, then cannot
    // see the row it conflicted with (its statement snapshot is older) and finds no id.
    await tx`select pg_advisory_xact_lock(${SEED_LOCK})`;
    const categoryIds = new Map<string, number>();
    for (const [position, category] of demoCategories.entries()) {
      categoryIds.set(category.slug, await ensureCategory(tx, { ...category, position }));
    }
    let productsCreated = 0;
    for (const product of demoProducts) {
      const { created } = await ensureProduct(tx, {
        ...product,
        categoryId: categoryIds.get(product.category)!,
        imagePath: `/static/img/products/${product.slug}.svg`,
        ...(schedules ? demoSchedule(product) : {}),
      });
      if (created) productsCreated++;
    }
    return { productsCreated };
  });
}

/** True when the shop has no products at all: a first start. */
export async function catalogIsEmpty(sql: Sql): Promise<boolean> {
  const [row] = await sql<
    { empty: boolean }[]
  >`select not exists (select 1 from products) as empty`;
  return row.empty;
}
