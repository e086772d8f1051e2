import type { Sql } from "../infra/db.ts";
import { AppError } from "../http/errors.ts";
import { type CartProduct, cartProducts } from "./queries.ts";
import { type CartOwner, type CartStore, MAX_LINE_QUANTITY } from "./store.ts";

export interface CartLine {
  product: CartProduct;
  quantity: number;
  lineCents: number;
  /** The price when it was put in the cart, if it has changed since. */
  previousPriceCents?: number;
  /** Why this line cannot be ordered as it is, in words for the customer. */
  problem?: string;
}

export interface CartView {
  lines: CartLine[];
  count: number;
  subtotalCents: number;
  /** True when every line can be ordered now. */
  orderable: boolean;
}

const tooMany = (product: CartProduct, inCart = 0) =>
  product.stock <= 0
    ? `${product.name} is sold out.`
    : `Only ${product.stock} left of ${product.name}${
      inCart ? ` (you already have ${inCart} in your cart)` : ""
    }.`;

export function lineProblem(
  product: CartProduct | undefined,
  quantity: number,
): string | undefined {
  if (!product || !product.active) return "This product is no longer sold.";
  if (quantity > product.stock) {
    return product.stock <= 0 ? "Sold out." : `Only ${product.stock} left.`;
  }
  return undefined;
}

export const notInCart = () =>
  new AppError(404, "not_in_cart", "That product is not in your cart.");

/** The cart as the customer sees it: priced and checked against the database, now. */
export function createCart({ sql, carts }: { sql: Sql; carts: CartStore }) {
  const quantityError = (message: string) =>
    new AppError(400, "validation_failed", message, { quantity: message });

  const product = async (productId: number) => {
    const found = (await cartProducts(sql, [productId])).get(productId);
    if (!found || !found.active) {
      throw new AppError(404, "not_found", "That product is not on sale.");
    }
    return found;
  };

  return {
    async view(owner: CartOwner): Promise<CartView> {
      const stored = await carts.entries(owner);
      const products = await cartProducts(sql, [...stored.keys()]);
      const lines: CartLine[] = [];
      for (const [id, { quantity, seenPriceCents }] of stored) {
        const found = products.get(id);
        if (!found) {
          await carts.remove(owner, id); // deleted for good: nothing to show
          continue;
        }
        lines.push({
          product: found,
          quantity,
          lineCents: found.priceCents * quantity,
          previousPriceCents: seenPriceCents !== undefined && seenPriceCents !== found.priceCents
            ? seenPriceCents
            : undefined,
          problem: lineProblem(found, quantity),
        });
      }
      lines.sort((a, b) => a.product.name.localeCompare(b.product.name));
      return {
        lines,
        count: lines.reduce((n, l) => n + l.quantity, 0),
        subtotalCents: lines.reduce((n, l) => n + (l.problem ? 0 : l.lineCents), 0),
        orderable: lines.length > 0 && lines.every((l) => !l.problem),
      };
    },

    /** Adds to the line (or starts it); refuses more than the stock or 99. */
    async add(owner: CartOwner, productId: number, quantity: number) {
      const found = await product(productId);
      const current = (await carts.lines(owner)).get(productId) ?? 0;
      const wanted = current + quantity;
      if (wanted > MAX_LINE_QUANTITY) {
        throw quantityError(
          `At most ${MAX_LINE_QUANTITY} of one product per order${
            current ? ` (you already have ${current})` : ""
          }.`,
        );
      }
      if (wanted > found.stock) throw quantityError(tooMany(found, current));
      await carts.setQuantity(owner, productId, wanted, found.priceCents);
      return { product: found, quantity: wanted };
    },

    /** Changes a line already in the cart (never starts one: that is `add`). */
    async setQuantity(owner: CartOwner, productId: number, quantity: number) {
      const line = (await carts.entries(owner)).get(productId);
      if (!line) throw notInCart();
      const found = await product(productId);
      if (quantity > found.stock) throw quantityError(tooMany(found));
      await carts.setQuantity(owner, productId, quantity, line.seenPriceCents ?? found.priceCents);
    },

    remove: (owner: CartOwner, productId: number) => carts.remove(owner, productId),
    count: (owner: CartOwner) => carts.count(owner),
  };
}

export type Cart = ReturnType<typeof createCart>;
