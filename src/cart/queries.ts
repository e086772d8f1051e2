import type { Queryable } from "../infra/db.ts";
import type { Allergen } from "../catalog/allergens.ts";
import type { ProductKind } from "../bakery/availability.ts";

export interface CartProduct {
  id: number;
  slug: string;
  name: string;
  priceCents: number;
  /** What can be had for the cart's pickup date; null: made to order, no cap. */
  stock: number | null;
  kind: ProductKind;
  active: boolean;
  imagePath: string | null;
  allergens: Allergen[];
}

/**
 * Current name, price and kind of the products in a cart: carts never hold prices. `stock`
 * is the shelf stock here; the cart replaces it with what the pickup date has.
 */
export async function cartProducts(
  sql: Queryable,
  ids: number[],
): Promise<Map<number, CartProduct>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<CartProduct[]>`
    select id, slug, name, price_cents, stock, kind, active, image_path, allergens
    from products where id = any(${ids}::int[])`;
  return new Map(rows.map((r) => [r.id, r]));
}
