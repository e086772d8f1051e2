import type { Queryable, Sql } from "../infra/db.ts";
import { AppError } from "../http/errors.ts";
import { couponHistory, findCoupon } from "../coupons/queries.ts";
import { couponDiscount, couponRefusal } from "../coupons/rules.ts";
import { findOrder, type OrderRow } from "./queries.ts";
import { orderCodeBase, productsOf, type TakeOrder, takeOrder } from "./place-queries.ts";
import { sha256Hex } from "../infra/digest.ts";

export interface OrderLineInput {
  productId: number;
  quantity: number;
}

export interface PlaceOrderInput {
  userId: number;
  items: OrderLineInput[];
  pickup: { at: Date; asap: boolean };
  note?: string;
  couponCode?: string;
  /** A key the client sends again when it retries the same order. */
  idempotencyKey?: string;
  /** The request named no items: they are the customer's cart (a retry finds it emptied). */
  fromCart?: boolean;
}

/** What makes two requests under one Idempotency-Key the same request. */
export interface RequestShape {
  items: OrderLineInput[];
  fromCart?: boolean;
  /** "asap" or the ISO instant of the chosen slot. */
  pickupAt: string;
  note?: string;
  couponCode?: string;
}

export interface Shortage {
  productId: number;
  name: string;
  requested: number;
  available: number;
}

export interface PlacedOrder {
  order: OrderRow;
  /** True when this was a repeat of an order placed before under the same key. */
  replayed: boolean;
  /** New stock of every product the order took from. */
  stock: { id: number; stock: number }[];
}

export interface PlaceDeps {
  sql: Sql;
  currency: string;
  /** The shop's calendar date now (order codes start again every day). */
  shopDay: () => string;
  now: () => Date;
  money: (cents: number) => string;
  date: (at: Date) => string;
}

export class StockShortageError extends AppError {
  constructor(readonly shortages: Shortage[]) {
    const words = shortages.map((s) =>
      s.available > 0
        ? `only ${s.available} ${s.name} left (you asked for ${s.requested})`
        : `${s.name} is sold out`
    );
    super(
      409,
      "insufficient_stock",
      `Not enough stock: ${words.join("; ")}. Nothing was ordered; your cart is unchanged.`,
      undefined,
      undefined,
      { items: shortages },
    );
  }
}

/**
 * Same lines in any order, same choices: the same request. An order from the cart is the
 * same request whatever the cart holds when it is retried (the first attempt emptied it).
 */
export async function requestHash(input: RequestShape): Promise<string> {
  const canonical = JSON.stringify({
    items: input.fromCart ? "cart" : sumLines(input.items),
    pickupAt: input.pickupAt,
    note: input.note ?? "",
    coupon: input.couponCode?.toUpperCase() ?? "",
  });
  return await sha256Hex(canonical);
}

/** Lines of the same product summed, in product-id order (the order rows are locked in). */
export function sumLines(items: OrderLineInput[]): OrderLineInput[] {
  const summed = new Map<number, number>();
  for (const { productId, quantity } of items) {
    summed.set(productId, (summed.get(productId) ?? 0) + quantity);
  }
  return [...summed].sort(([a], [b]) => a - b).map(([productId, quantity]) => ({
    productId,
    quantity,
  }));
}

/** Tries of an order whose coupon was decided on prices that changed before it was placed. */
const PRICE_RACE_TRIES = 3;

/** A day's base of order numbers, per database, read once per day. */
const dayBases = new WeakMap<Sql, Map<string, Promise<number>>>();

function dayBase(sql: Sql, day: string): Promise<number> {
  let bases = dayBases.get(sql);
  if (!bases) dayBases.set(sql, bases = new Map());
  let base = bases.get(day);
  if (!base) {
    if (bases.size > 7) bases.clear();
    const reading = orderCodeBase(sql, day);
    reading.catch(() => bases.delete(day));
    bases.set(day, base = reading);
  }
  return base;
}

/** The lines that cannot be had, in words a customer understands. */
export function shortagesOf(
  lines: OrderLineInput[],
  products: { id: number; name: string; stock: number; active: boolean }[],
): Shortage[] {
  const byId = new Map(products.map((p) => [p.id, p]));
  return lines.flatMap(({ productId, quantity }) => {
    const product = byId.get(productId);
    const available = product?.active ? product.stock : 0;
    if (available >= quantity) return [];
    return [{
      productId,
      name: product?.name ?? `product ${productId}`,
      requested: quantity,
      available,
    }];
  });
}

const isKeyConflict = (error: unknown) =>
  (error as { code?: string }).code === "23505" &&
  (error as { constraint_name?: string }).constraint_name === "idempotency_keys_pkey";

const couponRefused = (message: string) =>
  new AppError(400, "coupon_refused", message, { couponCode: message });

/**
 * Places an order: stock is taken with conditional decrements (never below zero, rows
 * locked in product-id order), a coupon is redeemed under its row lock, and the order, its
 * lines, its first history row and its `order.placed` event are written together, in one
 * statement (see `takeOrder`). Any shortfall writes nothing and names the short lines. A
 * repeat under the same Idempotency-Key returns the first order, also when both arrive at
 * once (the second waits for the first to end).
 */
export async function placeOrder(deps: PlaceDeps, input: PlaceOrderInput): Promise<PlacedOrder> {
  const lines = sumLines(input.items);
  const key = input.idempotencyKey;
  const hash = key
    ? await requestHash({
      ...input,
      pickupAt: input.pickup.asap ? "asap" : input.pickup.at.toISOString(),
    })
    : undefined;
  const replay = async (): Promise<PlacedOrder | null> => {
    const earlier = key ? await earlierOrder(deps.sql, input.userId, key, hash!) : null;
    return earlier ? { order: earlier, replayed: true, stock: [] } : null;
  };

  if (lines.length === 0) {
    // A retried order from the cart finds its order although the cart is empty.
    const earlier = await replay();
    if (earlier) return earlier;
    throw new AppError(
      400,
      "empty_order",
      "There is nothing to order: send items, or add products to your cart first.",
    );
  }

  const day = deps.shopDay();
  const order: Omit<TakeOrder, "coupon"> = {
    userId: input.userId,
    lines,
    pickupAt: input.pickup.at,
    pickupAsap: input.pickup.asap,
    note: input.note ?? "",
    currency: deps.currency,
    day,
    dayBase: await dayBase(deps.sql, day),
    idempotency: key ? { key, hash: hash! } : null,
  };

  for (let attempt = 1;; attempt++) {
    let result;
    try {
      result = input.couponCode
        ? await withCoupon(deps, order, input.couponCode)
        : await takeOrder(deps.sql, { ...order, coupon: null });
    } catch (error) {
      // The same key was used by a request that has ended: its order, or a conflict.
      const earlier = isKeyConflict(error) ? await replay() : null;
      if (earlier) return earlier;
      throw error;
    }
    if (result.placed) return { order: result.order, replayed: false, stock: result.stock };
    const shortages = shortagesOf(lines, result.products);
    if (shortages.length) throw new StockShortageError(shortages);
    // Only a coupon's subtotal can be missed: a price changed since. Decide again.
    if (attempt >= PRICE_RACE_TRIES) {
      throw new AppError(
        409,
        "prices_changed",
        "Prices changed while your order was being placed. Nothing was ordered: please try again.",
      );
    }
  }
}

/**
 * An order with a coupon: the coupon's row lock first (a cancellation giving a use back
 * takes it before the products too), then its uses as they are now, decided on by the
 * coupon's rules; the order statement then takes stock under the products' locks.
 */
function withCoupon(deps: PlaceDeps, order: Omit<TakeOrder, "coupon">, code: string) {
  return deps.sql.begin(async (tx) => {
    const coupon = await findCoupon(tx, code, true);
    if (!coupon) throw couponRefused("There is no coupon with that code.");
    const [history, products] = await Promise.all([
      couponHistory(tx, coupon.id, order.userId),
      productsOf(tx, order.lines.map((l) => l.productId)),
    ]);
    const shortages = shortagesOf(order.lines, products);
    if (shortages.length) throw new StockShortageError(shortages);
    const price = new Map(products.map((p) => [p.id, p.priceCents]));
    const subtotal = order.lines.reduce((sum, l) => sum + price.get(l.productId)! * l.quantity, 0);
    const refusal = couponRefusal(coupon, {
      now: deps.now(),
      subtotalCents: subtotal,
      ...history,
      money: deps.money,
      date: deps.date,
    });
    if (refusal) throw couponRefused(refusal);
    return await takeOrder(tx, {
      ...order,
      coupon: {
        id: coupon.id,
        code: coupon.code,
        discountCents: couponDiscount(coupon, subtotal),
        subtotalCents: subtotal,
      },
    });
  });
}

/**
 * The order placed before under this key; null when the key is unused (or its first use
 * has not committed yet). A different request under the same key is a 409.
 */
export async function earlierOrder(
  sql: Queryable,
  userId: number,
  key: string,
  hash: string,
): Promise<OrderRow | null> {
  const [earlier] = await sql<{ requestHash: string; orderId: number | null }[]>`
    select request_hash, order_id from idempotency_keys where user_id = ${userId} and key = ${key}`;
  if (!earlier) return null;
  if (earlier.requestHash !== hash) {
    throw new AppError(
      409,
      "idempotency_conflict",
      "This Idempotency-Key was already used for a different order. Use a new key for a new order.",
    );
  }
  if (earlier.orderId === null) {
    throw new AppError(409, "in_progress", "This order is still being placed. Try again shortly.");
  }
  return await findOrder(sql, earlier.orderId);
}
