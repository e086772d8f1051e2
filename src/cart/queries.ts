import type { Queryable } from "../infra/db.ts";
import type { Allergen } from "../catalog/allergens.ts";

export interface CartProduct {
  id: number;
  slug: string;
  name: string;
  priceCents: number;
  stock: number;
  active: boolean;
  imagePath: string | null;
  allergens: Allergen[];
}

/** Current name, price and stock of the products in a cart: carts never hold prices. */
export async function cartProducts(
  sql: Queryable,
  ids: number[],
): Promise<Map<number, CartProduct>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<CartProduct[]>`
    select id, slug, name, price_cents, stock, active, image_path, allergens
    from products where id = any(${ids}::int[])`;
  return new Map(rows.map((r) => [r.id, r]));
}
