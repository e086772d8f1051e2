import type { Tx } from "../infra/db.ts";
import { AppError } from "../http/errors.ts";
import { recordAudit } from "../audit/record.ts";
import { addDays, localParts } from "../shop/hours.ts";
import type { Allergen } from "../catalog/allergens.ts";
import {
  giveBackToPlan,
  planRemaining,
  releaseSeat,
  takeFromPlan,
  takeSeat,
} from "./day-queries.ts";
import { lockRulesForReading, readRules } from "./queries.ts";
import { offeredSlots, orderableDates, type Refusal, resolvePickup, type Rules } from "./rules.ts";
import type { ProductKind } from "./availability.ts";
import type { Words } from "./words.ts";

/**
 * The bakery's part of the checkout transaction: the pickup is checked against the settings
 * and calendar read under a lock, a seat is taken in its slot, and each line is taken from
 * where its kind keeps it (the date's plan, the shelf, or nothing for made to order). Every
 * take is a conditional write; any refusal throws and the whole transaction rolls back.
 */

export interface BookingRules {
  timeZone: string;
  prepMinutes: number;
  words: Words;
}

export interface Booking {
  at: Date;
  asap: boolean;
  /** The shop's date of the pickup. */
  date: string;
  /** The slot whose seat was taken (null when the day has no slot grid to hold it). */
  slot: Date | null;
  /** Set when staff booked past the slot's capacity. */
  overCapacity?: { capacity: number; taken: number };
}

const statusOf: Record<string, 400 | 409 | 422> = {
  validation_failed: 400,
  beyond_horizon: 422,
  closed: 422,
  cutoff: 422,
  lead_time: 422,
  slot_full: 409,
};

export const pickupRefused = (refusal: Refusal | { code: string; message: string }) =>
  new AppError(statusOf[refusal.code] ?? 422, refusal.code, refusal.message, {
    pickupAt: refusal.message,
  });

/**
 * The rules as they stand inside this transaction (settings key-share locked). The lock is
 * its own statement, sent with the read: a statement that waited for the lock would still
 * read the calendar as it was before the wait (a closure committed meanwhile unseen); the
 * read after it starts once the lock is held, so it sees every calendar write before it.
 */
export async function lockedRules(tx: Tx, base: BookingRules, now: Date): Promise<Rules> {
  const today = localParts(now, base.timeZone).date;
  const [, { settings, calendar }] = await Promise.all([
    lockRulesForReading(tx),
    readRules(tx, { from: today, to: addDays(today, 90) }),
  ]);
  return { ...base, settings, calendar, now };
}

/**
 * Resolves the pickup and takes its seat. Staff may pass `overCapacity` to book a full slot;
 * the caller records that in the audit log with the order.
 */
export async function bookPickup(
  tx: Tx,
  rules: Rules,
  requested: string | undefined,
  overCapacity = false,
): Promise<Booking> {
  const pickup = resolvePickup(rules, requested);
  if ("code" in pickup) throw pickupRefused(pickup);
  const capacity = rules.settings.ordersPerSlot;
  // Without a capacity no seat is counted: a row every checkout of the slot updates would
  // make them wait on each other for nothing. Setting a capacity counts the seats afresh.
  if (capacity === null) {
    return { at: pickup.at, asap: pickup.asap, date: pickup.date, slot: pickup.seats[0] ?? null };
  }
  for (const slot of pickup.seats) {
    if ((await takeSeat(tx, slot, capacity)) === null) continue;
    const at = pickup.asap && slot.getTime() > pickup.at.getTime() ? slot : pickup.at;
    return { at, asap: pickup.asap, date: pickup.date, slot };
  }
  if (pickup.seats.length === 0) return { ...pickup, slot: null };
  const slot = pickup.seats[0];
  if (overCapacity) {
    const taken = (await takeSeat(tx, slot, null))!;
    return {
      at: pickup.at,
      asap: pickup.asap,
      date: pickup.date,
      slot,
      overCapacity: { capacity, taken },
    };
  }
  const words = rules.words;
  throw pickupRefused({
    code: "slot_full",
    message: pickup.asap
      ? `Every pickup time left on ${
        words.day(pickup.date)
      } is fully booked. Please choose another day.`
      : `The pickup time ${words.time(slot)} on ${
        words.day(pickup.date)
      } is fully booked. Please choose another time.`,
  });
}

/** Staff booked past capacity: on the record, with the order it was for. */
export async function recordOverCapacity(
  tx: Tx,
  booking: Booking,
  orderId: number,
  who: { actorId: number; ip?: string; userAgent?: string },
) {
  if (!booking.overCapacity || !booking.slot) return;
  await recordAudit(tx, {
    ...who,
    action: "order.over_capacity",
    entityType: "order",
    entityId: orderId,
    details: {
      slot: booking.slot.toISOString(),
      capacity: booking.overCapacity.capacity,
      taken: booking.overCapacity.taken,
    },
  });
}

export interface TakenLine {
  id: number;
  name: string;
  priceCents: number;
  allergens: Allergen[];
  quantity: number;
  source: "stock" | "plan" | "none";
  kind: ProductKind;
  /** What is left afterwards: shelf stock or the date's plan; null for made to order. */
  remaining: number | null;
}

export interface LineShortage {
  productId: number;
  name: string;
  requested: number;
  available: number;
  /** Short of the pickup date's plan (a daily product), not of the shelf. */
  daily?: boolean;
}

export interface LineProduct {
  id: number;
  name: string;
  priceCents: number;
  allergens: Allergen[];
  kind: ProductKind;
  leadTimeHours: number;
  active: boolean;
  stock: number;
}

/**
 * The products of an order's lines as they are (not locked: every take below is a
 * conditional write), read beside the rules so the checkout waits on one round trip.
 */
export async function lineProducts(tx: Tx, ids: number[]): Promise<LineProduct[]> {
  return await tx<LineProduct[]>`
    select id, name, price_cents, allergens, kind, lead_time_hours, active, stock
    from products where id = any(${ids}::int[])`;
}

/**
 * Takes every line (summed, in product-id order) for the booking's date, from `rows` (see
 * `lineProducts`). Returns what was taken and what was short; a made-to-order product picked
 * up too soon is refused at once.
 */
export async function takeLines(
  tx: Tx,
  rules: Rules,
  lines: { productId: number; quantity: number }[],
  booking: Booking,
  rows: LineProduct[],
): Promise<{ taken: TakenLine[]; shortages: LineShortage[] }> {
  const products = new Map(rows.map((r) => [r.id, r]));
  const taken: TakenLine[] = [];
  const shortages: LineShortage[] = [];
  for (const { productId, quantity } of lines) {
    const p = products.get(productId);
    if (!p || !p.active) {
      shortages.push({
        productId,
        name: p?.name ?? `product ${productId}`,
        requested: quantity,
        available: 0,
      });
      continue;
    }
    const line = { id: p.id, name: p.name, priceCents: p.priceCents, allergens: p.allergens };
    if (p.kind === "made_to_order") {
      const ready = rules.now.getTime() + p.leadTimeHours * 3_600_000;
      if (booking.at.getTime() < ready) throw leadTimeRefusal(rules, p, ready);
      taken.push({ ...line, quantity, source: "none", kind: p.kind, remaining: null });
    } else if (p.kind === "daily") {
      const remaining = await takeFromPlan(tx, p.id, booking.date, quantity);
      if (remaining === null) {
        const available = await planRemaining(tx, p.id, booking.date);
        shortages.push({ productId, name: p.name, requested: quantity, available, daily: true });
      } else taken.push({ ...line, quantity, source: "plan", kind: p.kind, remaining });
    } else {
      const [row] = await tx<{ stock: number }[]>`
        update products set stock = stock - ${quantity}, updated_at = now()
        where id = ${p.id} and active and kind = 'shelf' and stock >= ${quantity}
        returning stock`;
      if (row) {
        taken.push({ ...line, quantity, source: "stock", kind: p.kind, remaining: row.stock });
      } else {
        const [now] = await tx<{ stock: number }[]>`select stock from products where id = ${p.id}`;
        shortages.push({ productId, name: p.name, requested: quantity, available: now.stock });
      }
    }
  }
  return { taken, shortages };
}

function leadTimeRefusal(rules: Rules, p: LineProduct, ready: number) {
  const words = rules.words;
  let earliest: Date | undefined;
  for (const date of orderableDates(rules)) {
    earliest = offeredSlots(rules, date).find((s) => s.getTime() >= ready);
    if (earliest) break;
  }
  const message = `${p.name} needs ${p.leadTimeHours} hours' notice: ${
    earliest
      ? `the earliest pickup for it is ${words.day(localParts(earliest, rules.timeZone).date)} at ${
        words.time(earliest)
      }`
      : "no pickup time within the days we take orders for is far enough ahead"
  }.`;
  return pickupRefused({ code: "lead_time", message });
}

export interface GivenBack {
  /** Shelf stock after the give-back, per product. */
  stock: { id: number; stock: number }[];
  /** The order's date and the plan remaining per daily product, when it took from a plan. */
  plan: { date: string; items: { id: number; stock: number }[] } | null;
}

/**
 * A cancelled order gives back what it took: its seat first, then every line in product-id
 * order (the order checkouts take them in, so the two cannot deadlock). Goods that were not
 * collected and went to waste (`goods: false`) give back the seat only.
 */
export async function giveBack(tx: Tx, orderId: number, goods = true): Promise<GivenBack> {
  const [order] = await tx<{ pickupDate: string | null; pickupSlot: Date | null }[]>`
    select pickup_date::text as pickup_date, pickup_slot from orders where id = ${orderId}`;
  if (order?.pickupSlot) await releaseSeat(tx, order.pickupSlot);
  const items = await tx<{ productId: number; quantity: number; source: TakenLine["source"] }[]>`
    select product_id, quantity, source from order_items
    where order_id = ${orderId} order by product_id`;
  const given: GivenBack = { stock: [], plan: null };
  if (!goods) return given;
  for (const item of items) {
    if (item.source === "stock") {
      const [row] = await tx<{ id: number; stock: number }[]>`
        update products set stock = stock + ${item.quantity}, updated_at = now()
        where id = ${item.productId}
        returning id, stock`;
      if (row) given.stock.push(row);
    } else if (item.source === "plan" && order?.pickupDate) {
      const remaining = await giveBackToPlan(tx, item.productId, order.pickupDate, item.quantity);
      if (remaining !== null) {
        given.plan ??= { date: order.pickupDate, items: [] };
        given.plan.items.push({ id: item.productId, stock: remaining });
      }
    }
  }
  return given;
}
