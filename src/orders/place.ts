import type { Queryable, Sql, Tx } from "../infra/db.ts";
import { stockContext } from "../stock/ledger.ts";
import { AppError } from "../http/errors.ts";
import { couponHistory, findCoupon, redeemCoupon } from "../coupons/queries.ts";
import { couponDiscount, couponRefusal } from "../coupons/rules.ts";
import { findOrder, type OrderRow } from "./queries.ts";
import { insertOrder, orderCodeBase } from "./place-queries.ts";
import { sha256Hex } from "../infra/digest.ts";
import { pickupKey } from "../bakery/slots.ts";
import {
  type Booking,
  type BookingRules,
  bookPickup,
  lineProducts,
  lockedRules,
  recordOverCapacity,
  takeLines,
  type TakenLine,
} from "../bakery/take.ts";

export interface OrderLineInput {
  productId: number;
  quantity: number;
}

export interface PlaceOrderInput {
  userId: number;
  items: OrderLineInput[];
  /** "asap" (or absent) or the ISO instant of an offered slot. */
  pickup?: string;
  /** Staff booking a slot past its capacity, on purpose (recorded in the audit log). */
  overCapacity?: boolean;
  /** Where the request came from, for the audit log. */
  meta?: { ip: string; userAgent: string };
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
  /** The pickup day it was short for, in words (daily products: each date has its own). */
  forDay?: string;
}

export interface PlacedOrder {
  order: OrderRow;
  /** True when this was a repeat of an order placed before under the same key. */
  replayed: boolean;
  /** New shelf stock of every shelf product the order took from. */
  stock: { id: number; stock: number }[];
  /** What is left of the pickup date's plan of every daily product the order took from. */
  plan: { date: string; items: { id: number; stock: number }[] } | null;
}

export interface PlaceDeps {
  sql: Sql;
  currency: string;
  /** The shop's calendar date now (order codes start again every day). */
  shopDay: () => string;
  now: () => Date;
  money: (cents: number) => string;
  date: (at: Date) => string;
  /** The shop's time zone, preparation time and words for pickup refusals. */
  rules: BookingRules;
}

export class EmailUnverifiedError extends AppError {
  constructor() {
    super(
      403,
      "email_unverified",
      "Confirm your email address before you order: open the link we mailed you, or ask " +
        "for a new one on your account page. Nothing was ordered; your cart is unchanged.",
    );
  }
}

export class StockShortageError extends AppError {
  constructor(readonly shortages: Shortage[]) {
    const words = shortages.map((s) =>
      s.available > 0
        ? `only ${s.available} ${s.name} left${
          s.forDay ? ` for ${s.forDay}` : ""
        } (you asked for ${s.requested})`
        : `${s.name} is sold out${s.forDay ? ` for ${s.forDay}` : ""}`
    );
    super(
      409,
      "insufficient_stock",
      `Not enough stock: ${words.join("; ")}. Nothing was ordered; your cart is unchanged.`,
      undefined,
      undefined,
      { items: shortages.map(({ forDay: _, ...s }) => s) },
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

/** A day's base of order numbers, per database, read once per day. */
const dayBases = new WeakMap<Sql, Map<string, Promise<number>>>();

function dayBaseOf(sql: Sql, day: string): Promise<number> {
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

/**
 * Places an order in one short transaction: the pickup is checked against the settings and
 * calendar (key-share locked), its seat taken, each line taken from the date's plan or the
 * shelf with conditional writes (never below zero, rows locked in product-id order so
 * concurrent orders cannot deadlock), the coupon decided under its row lock, and the order,
 * its lines, its first history row, its key and its `order.placed` event written in one
 * round trip. Any refusal or shortfall rolls everything back. No row is written by every
 * checkout: order codes come from a sequence.
 */
export async function placeOrder(deps: PlaceDeps, input: PlaceOrderInput): Promise<PlacedOrder> {
  const lines = sumLines(input.items);
  const hash = input.idempotencyKey
    ? await requestHash({ ...input, pickupAt: pickupKey(input.pickup, deps.rules.timeZone) })
    : undefined;

  // Read before the transaction, once a day: nothing inside it waits on this.
  const day = deps.shopDay();
  const dayBase = await dayBaseOf(deps.sql, day);

  return await deps.sql.begin(async (tx) => {
    // Sent together, answered in order on the transaction's connection: the key (which waits
    // for a request still running under it), the rules under their lock, the lines' products.
    const [earlier, rules, products] = await Promise.all([
      input.idempotencyKey ? claimKey(tx, input.userId, input.idempotencyKey, hash!) : null,
      lockedRules(tx, deps.rules, deps.now()),
      lineProducts(tx, lines.map((l) => l.productId)),
      // The takes below are movements of the stock ledger, the order's once it exists.
      stockContext(tx, { reason: "order", actorId: input.userId }),
    ]);
    if (earlier) return { order: earlier, replayed: true, stock: [], plan: null };
    // After the key: a retried order from the cart finds its order although the cart is empty.
    if (lines.length === 0) {
      throw new AppError(
        400,
        "empty_order",
        "There is nothing to order: send items, or add products to your cart first.",
      );
    }
    // A first order needs a proven address: the shop must be able to reach the customer.
    const [account] = await tx<{ verified: boolean }[]>`
      select email_verified_at is not null as verified from users where id = ${input.userId}`;
    if (!account?.verified) throw new EmailUnverifiedError();

    const booking = await bookPickup(tx, rules, input.pickup, input.overCapacity);
    const { taken, shortages } = await takeLines(tx, rules, lines, booking, products);
    if (shortages.length) {
      const forDay = rules.words.day(booking.date);
      throw new StockShortageError(
        shortages.map(({ daily, ...s }) => ({ ...s, forDay: daily ? forDay : undefined })),
      );
    }

    const subtotal = taken.reduce((sum, p) => sum + p.priceCents * p.quantity, 0);
    const coupon = input.couponCode ? await findCoupon(tx, input.couponCode, true) : null;
    if (input.couponCode) {
      const refusal = coupon
        ? couponRefusal(coupon, {
          now: deps.now(),
          subtotalCents: subtotal,
          ...await couponHistory(tx, coupon.id, input.userId),
          money: deps.money,
          date: deps.date,
        })
        : "There is no coupon with that code.";
      if (refusal) {
        throw new AppError(400, "coupon_refused", refusal, { couponCode: refusal });
      }
    }
    const discount = coupon ? couponDiscount(coupon, subtotal) : 0;

    const order = await insertOrder(tx, {
      userId: input.userId,
      day,
      dayBase,
      pickup: booking,
      note: input.note ?? "",
      subtotalCents: subtotal,
      discountCents: discount,
      currency: deps.currency,
      coupon: coupon ? { id: coupon.id, code: coupon.code } : null,
      lines: taken.map((p) => ({ ...p, productId: p.id })),
      idempotencyKey: input.idempotencyKey ?? null,
    });
    await recordOverCapacity(tx, booking, order.id, { actorId: input.userId, ...input.meta });
    if (coupon) {
      await redeemCoupon(tx, { couponId: coupon.id, orderId: order.id, userId: input.userId });
    }
    return { order, replayed: false, ...takenStock(taken, booking) };
  });
}

/** What the order left of the shelf stock and of its date's plans, for live pages. */
function takenStock(taken: TakenLine[], booking: Booking) {
  const stock = taken.filter((t) => t.source === "stock").map((t) => ({
    id: t.id,
    stock: t.remaining!,
  }));
  const daily = taken.filter((t) => t.source === "plan");
  return {
    stock,
    plan: daily.length
      ? { date: booking.date, items: daily.map((t) => ({ id: t.id, stock: t.remaining! })) }
      : null,
  };
}

/**
 * Takes the idempotency key for this request. A concurrent request with the same key waits
 * here until the first one ends; it then finds the order (same request) or a conflict.
 */
async function claimKey(tx: Tx, userId: number, key: string, hash: string) {
  const [fresh] = await tx`
    insert into idempotency_keys (user_id, key, request_hash) values (${userId}, ${key}, ${hash})
    on conflict do nothing
    returning key`;
  if (fresh) return null;
  return await earlierOrder(tx, userId, key, hash);
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
