import type { Queryable, Sql } from "../infra/db.ts";
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

/** A signed-in customer's cart line as stored. */
export interface CartLineRow {
  productId: number;
  quantity: number;
  seenPriceCents: number | null;
}

/** Carts unused this long are gone (their lines are removed on the next change). */
const CART_LIFETIME = "7 days";

/** The lines of a customer's cart, unless it has expired. */
export async function savedCartLines(sql: Queryable, userId: number): Promise<CartLineRow[]> {
  return await sql<CartLineRow[]>`
    select l.product_id, l.quantity, l.seen_price_cents
    from cart_lines l join carts c on c.user_id = l.user_id
    where l.user_id = ${userId} and c.used_at > now() - ${CART_LIFETIME}::interval
    order by l.product_id`;
}

/** The cart's week starts again (at most once an hour: reading it is not a write each time). */
export async function touchCart(sql: Queryable, userId: number) {
  await sql`
    update carts set used_at = now()
    where user_id = ${userId} and used_at < now() - interval '1 hour'
      and used_at > now() - ${CART_LIFETIME}::interval`;
}

/** Opens (or reopens) the cart for a change: an expired cart's old lines go first. */
async function openCart(tx: Queryable, userId: number) {
  await tx`
    delete from cart_lines l using carts c
    where c.user_id = l.user_id and l.user_id = ${userId}
      and c.used_at <= now() - ${CART_LIFETIME}::interval`;
  await tx`
    insert into carts (user_id) values (${userId})
    on conflict (user_id) do update set used_at = now()`;
}

export async function saveCartLine(
  sql: Sql,
  userId: number,
  line: { productId: number; quantity: number; seenPriceCents?: number },
) {
  await sql.begin(async (tx) => {
    await openCart(tx, userId);
    await tx`
      insert into cart_lines (user_id, product_id, quantity, seen_price_cents)
      values (${userId}, ${line.productId}, ${line.quantity}, ${line.seenPriceCents ?? null})
      on conflict (user_id, product_id) do update
        set quantity = excluded.quantity, seen_price_cents = excluded.seen_price_cents`;
  });
}

/**
 * Adds lines to what the cart holds (a guest's cart joining at sign-in), at most 99 a line;
 * products that no longer exist are left out.
 */
export async function addCartLines(sql: Sql, userId: number, lines: CartLineRow[]) {
  if (lines.length === 0) return;
  await sql.begin(async (tx) => {
    await openCart(tx, userId);
    await tx`
      insert into cart_lines (user_id, product_id, quantity, seen_price_cents)
      select ${userId}, p.id, least(99, l.quantity), l.seen
      from unnest(${lines.map((l) => l.productId)}::int[], ${lines.map((l) => l.quantity)}::int[],
                  ${lines.map((l) => l.seenPriceCents)}::int[]) as l(product_id, quantity, seen)
      join products p on p.id = l.product_id
      where l.quantity > 0
      on conflict (user_id, product_id) do update
        set quantity = least(99, cart_lines.quantity + excluded.quantity),
            seen_price_cents = coalesce(cart_lines.seen_price_cents, excluded.seen_price_cents)`;
  });
}

export async function deleteCartLine(sql: Queryable, userId: number, productId: number) {
  await sql`delete from cart_lines where user_id = ${userId} and product_id = ${productId}`;
}

export async function deleteCart(sql: Queryable, userId: number) {
  await sql`delete from carts where user_id = ${userId}`;
}

/** The pickup date (YYYY-MM-DD) a customer's cart is for, unless the cart has expired. */
export async function savedCartDay(sql: Queryable, userId: number): Promise<string | null> {
  const [row] = await sql<{ pickupDate: string | null }[]>`
    select to_char(pickup_date, 'YYYY-MM-DD') as pickup_date from carts
    where user_id = ${userId} and used_at > now() - ${CART_LIFETIME}::interval`;
  return row?.pickupDate ?? null;
}

export async function saveCartDay(sql: Sql, userId: number, date: string) {
  await sql.begin(async (tx) => {
    await openCart(tx, userId);
    await tx`update carts set pickup_date = ${date} where user_id = ${userId}`;
  });
}

/** What the customer chose at checkout, kept with the cart (see draft.ts). */
export async function savedCheckoutDraft(sql: Queryable, userId: number): Promise<unknown> {
  const [row] = await sql<{ checkoutDraft: unknown }[]>`
    select checkout_draft from carts
    where user_id = ${userId} and used_at > now() - ${CART_LIFETIME}::interval`;
  return row?.checkoutDraft ?? null;
}

export async function saveCheckoutDraft(sql: Sql, userId: number, draft: object) {
  await sql.begin(async (tx) => {
    await openCart(tx, userId);
    await tx`update carts set checkout_draft = ${
      tx.json(draft as never)
    } where user_id = ${userId}`;
  });
}
