import type { Sql } from "../infra/db.ts";
import { AppError } from "../http/errors.ts";
import type { Availability } from "../bakery/availability.ts";
import { isDate } from "../bakery/calendar.ts";
import type { Bakery } from "../bakery/service.ts";
import { type CartProduct, cartProducts } from "./queries.ts";
import { type CartOwner, type CartStore, MAX_LINE_QUANTITY } from "./store.ts";
import { cartState } from "./live.ts";

export interface CartLine {
  product: CartProduct;
  quantity: number;
  lineCents: number;
  /** The price when it was put in the cart, if it has changed since. */
  previousPriceCents?: number;
  /** How many can be had for the cart's pickup date; null: no cap (made to order). */
  available: number | null;
  /** How many of this line the pickup date cannot give. */
  short: number;
  /** Why this line cannot be ordered as it is, in words for the customer. */
  problem?: string;
}

export interface CartView {
  /** The pickup date the lines are checked against. */
  date: string;
  lines: CartLine[];
  count: number;
  subtotalCents: number;
  /** True when every line can be ordered for the date. */
  orderable: boolean;
  /** Lines and chosen day in short: pages compare it with a `cart-changed` event's. */
  state: string;
}

/** "Sold out." / "Only 3 left." (shelf), with the date for a daily product's plan. */
export function lineProblem(
  product: CartProduct | undefined,
  quantity: number,
  availability?: Availability,
  day?: string,
): string | undefined {
  if (!product || !product.active) return "This product is no longer sold.";
  if (!availability) return undefined;
  const forDay = product.kind === "daily" && day ? ` for ${day}` : "";
  const { available } = availability;
  if (availability.code === "insufficient_stock" || (available !== null && available <= 0)) {
    return `Sold out${forDay}.`;
  }
  if (!availability.orderable) return availability.reason ?? undefined;
  if (available !== null && quantity > available) return `Only ${available} left${forDay}.`;
  return undefined;
}

export const notInCart = () =>
  new AppError(404, "not_in_cart", "That product is not in your cart.");

/**
 * The cart as the customer sees it: priced and checked against the database, now, for the
 * pickup date the customer chose (or the first date that takes orders).
 */
export function createCart(
  { sql, carts, bakery, dayWords }: {
    sql: Sql;
    carts: CartStore;
    bakery: Bakery;
    /** "Sat 21 Nov" for a date. */
    dayWords: (date: string) => string;
  },
) {
  const quantityError = (message: string) =>
    new AppError(400, "validation_failed", message, { quantity: message });

  /** The cart's date: the customer's choice while it is not past, else the first open one. */
  const dateOf = async (owner: CartOwner) => (await chosenDay(owner)).date;
  const chosenDay = async (owner: CartOwner) => {
    const chosen = await carts.day(owner);
    const today = bakery.today();
    const date = chosen && isDate(chosen) && chosen >= today
      ? chosen
      : await bakery.firstOrderableDay();
    return { chosen, date };
  };

  const product = async (productId: number, date: string) => {
    const found = (await cartProducts(sql, [productId])).get(productId);
    if (!found || !found.active) {
      throw new AppError(404, "not_found", "That product is not on sale.");
    }
    const availability = (await bakery.availability(date, [productId])).get(productId)!;
    return { found: { ...found, stock: availability.available }, availability };
  };

  /** Refuses more than the date can give (products with no cap take any number). */
  const tooMany = (p: CartProduct, date: string, wanted: number, inCart = 0) => {
    if (p.stock === null || wanted <= p.stock) return;
    const forDay = p.kind === "daily" ? ` for ${dayWords(date)}` : "";
    throw quantityError(
      p.stock <= 0
        ? `${p.name} is sold out${forDay}.`
        : `Only ${p.stock} left of ${p.name}${forDay}${
          inCart ? ` (you already have ${inCart} in your cart)` : ""
        }.`,
    );
  };

  return {
    dateOf,

    /** Remembers the customer's pickup date for this cart (pages and API share it). */
    async chooseDay(owner: CartOwner, date: string) {
      await carts.setDay(owner, date);
    },

    /** A visitor without a cart yet. */
    async empty(): Promise<CartView> {
      const date = await bakery.firstOrderableDay();
      return { date, lines: [], count: 0, subtotalCents: 0, orderable: false, state: "@" };
    },

    async view(owner: CartOwner, date?: string): Promise<CartView> {
      const { chosen, date: cartDate } = await chosenDay(owner);
      const day = date ?? cartDate;
      const stored = await carts.entries(owner);
      const ids = [...stored.keys()];
      const [products, availability] = await Promise.all([
        cartProducts(sql, ids),
        bakery.availability(day, ids),
      ]);
      const lines: CartLine[] = [];
      for (const [id, { quantity, seenPriceCents }] of stored) {
        const found = products.get(id);
        if (!found) {
          await carts.remove(owner, id); // deleted for good: nothing to show
          continue;
        }
        const on = availability.get(id);
        const available = on ? on.available : 0;
        lines.push({
          product: { ...found, stock: available },
          quantity,
          lineCents: found.priceCents * quantity,
          previousPriceCents: seenPriceCents !== undefined && seenPriceCents !== found.priceCents
            ? seenPriceCents
            : undefined,
          available,
          short: available === null ? 0 : Math.max(0, quantity - Math.max(0, available)),
          problem: lineProblem(found, quantity, on, dayWords(day)),
        });
      }
      lines.sort((a, b) => a.product.name.localeCompare(b.product.name));
      return {
        date: day,
        lines,
        count: lines.reduce((n, l) => n + l.quantity, 0),
        subtotalCents: lines.reduce((n, l) => n + (l.problem ? 0 : l.lineCents), 0),
        orderable: lines.length > 0 && lines.every((l) => !l.problem),
        state: cartState(new Map(lines.map((l) => [l.product.id, l.quantity])), chosen),
      };
    },

    /** Adds to the line (or starts it); refuses more than the date can give, or 99. */
    async add(owner: CartOwner, productId: number, quantity: number) {
      const date = await dateOf(owner);
      const { found } = await product(productId, date);
      const current = (await carts.lines(owner)).get(productId) ?? 0;
      const wanted = current + quantity;
      if (wanted > MAX_LINE_QUANTITY) {
        throw quantityError(
          `At most ${MAX_LINE_QUANTITY} of one product per order${
            current ? ` (you already have ${current})` : ""
          }.`,
        );
      }
      tooMany(found, date, wanted, current);
      await carts.setQuantity(owner, productId, wanted, found.priceCents);
      return { product: found, quantity: wanted };
    },

    /** Changes a line; with `create`, starts it when absent (the API's PUT). */
    async setQuantity(
      owner: CartOwner,
      productId: number,
      quantity: number,
      options: { create?: boolean } = {},
    ) {
      const line = (await carts.entries(owner)).get(productId);
      if (!line && !options.create) throw notInCart();
      const date = await dateOf(owner);
      const { found } = await product(productId, date);
      tooMany(found, date, quantity);
      await carts.setQuantity(owner, productId, quantity, line?.seenPriceCents ?? found.priceCents);
    },

    linesOf: (owner: CartOwner) => carts.lines(owner),
    remove: (owner: CartOwner, productId: number) => carts.remove(owner, productId),
    count: (owner: CartOwner) => carts.count(owner),
  };
}

export type Cart = ReturnType<typeof createCart>;
