import type { Sql } from "../infra/db.ts";
import { demoCategories, demoProducts } from "./demo-data.ts";
import { ensureCategory, ensureProduct } from "./queries.ts";

/** Inserts the demo bakery's missing categories and products; existing ones are left as they are. */
export async function seedDemoCatalog(sql: Sql): Promise<{ productsCreated: number }> {
  return await sql.begin(async (tx) => {
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
