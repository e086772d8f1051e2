import { instantAt } from "../shop/hours.ts";

/**
 * A believable past day of the demo bakery, drawn at random: how many orders (weekday and
 * season), who placed them (a few regulars order often), what they took (bread most), how
 * much of each daily product was baked (the plan, sometimes short: it sells out), the kitchen's
 * pace, cancellations, coupons, and the walk-in sales and leftovers of the plan.
 */

export type Rng = { next(): number; int(lo: number, hi: number): number };

/** A small seeded generator (mulberry32): the same seed draws the same history. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)) };
}

export interface HistoryProduct {
  id: number;
  name: string;
  priceCents: number;
  kind: "daily" | "made_to_order" | "shelf";
}

export interface HistoryOrder {
  code: string;
  userId: number;
  status: "picked_up" | "cancelled" | "ready";
  placedAt: Date;
  pickupAt: Date;
  subtotalCents: number;
  discountCents: number;
  coupon: "welcome" | "regular" | null;
  lines: {
    productId: number;
    name: string;
    priceCents: number;
    quantity: number;
    source: string;
  }[];
  /** Minutes after placing: baking, ready; and the end (picked up or cancelled). */
  bakingAt: Date;
  readyAt: Date | null;
  endedAt: Date | null;
}

export interface HistoryPlan {
  productId: number;
  planned: number;
  ordered: number;
  counter: number;
  soldOutAt: Date | null;
}

/** Orders per weekday (0 = Sunday) relative to an average day. */
const weekdayShape = [0.8, 0.75, 0.85, 0.9, 0.95, 1.1, 1.35];
const AVERAGE_ORDERS = 270;

/** The day's order count: weekday, a seasonal swell towards December, and noise. */
export function ordersOn(date: string, rng: Rng): number {
  const d = new Date(`${date}T12:00:00Z`);
  const dayOfYear = (d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000;
  const season = 1 + 0.15 * Math.cos(((dayOfYear - 350) / 365) * 2 * Math.PI);
  const noise = 0.9 + rng.next() * 0.2;
  const n = Math.round(AVERAGE_ORDERS * weekdayShape[d.getUTCDay()] * season * noise);
  return Math.min(400, Math.max(150, n));
}

/** A local minute of the day, most in the morning rush, fewer at lunch, a few after. */
function orderMinute(rng: Rng, opens: number, closes: number): number {
  const span = closes - opens;
  const r = rng.next();
  const peak = r < 0.55 ? 0.12 : r < 0.85 ? 0.45 : 0.8;
  const at = peak + (rng.next() + rng.next() + rng.next() - 1.5) * 0.15;
  return opens + Math.floor(Math.min(0.98, Math.max(0, at)) * span);
}

/**
 * The instant (ms) of a local minute of the opening hours. Shop clocks change between night
 * hours, so one offset usually fits the whole day: two time-zone lookups a day, not one per
 * order; on a day the offset changes within the hours, each minute is looked up.
 */
function shopClock(date: string, hours: { opens: number; closes: number }, timeZone: string) {
  const opens = instantAt(date, hours.opens, timeZone).getTime();
  const closes = instantAt(date, hours.closes, timeZone).getTime();
  if (closes - opens !== (hours.closes - hours.opens) * 60_000) {
    return (minute: number) => instantAt(date, minute, timeZone).getTime();
  }
  return (minute: number) => opens + (minute - hours.opens) * 60_000;
}

/** A day's n-th order code as the checkout gives it: A-001 … A-999, B-001 … */
function orderCode(n: number): string {
  const letter = String.fromCharCode(65 + (Math.floor((n - 1) / 999) % 26));
  return `${letter}-${String(((n - 1) % 999) + 1).padStart(3, "0")}`;
}

export interface DayInput {
  date: string;
  timeZone: string;
  hours: { opens: number; closes: number };
  products: HistoryProduct[];
  customers: number[];
  /** Customers with at least three collected orders so far (the regulars' coupon). */
  regulars: Set<number>;
  /** Customers who have ordered before (the welcome coupon is for a first order). */
  known: Set<number>;
  /** Exactly this many orders (a benchmark's fixed load) instead of the day's rhythm. */
  orders?: number;
}

/** One day: its orders (time order) and the plans of its daily products. */
export function historyDay(input: DayInput, rng: Rng) {
  const { date, timeZone, hours, products, customers } = input;
  const count = input.orders ?? ordersOn(date, rng);
  const minutes = Array.from({ length: count }, () => orderMinute(rng, hours.opens, hours.closes))
    .sort((a, b) => a - b);
  // Popularity falls along the catalog; bread and pastries lead it.
  const weights = products.map((p, i) => (p.kind === "made_to_order" ? 0.2 : 1) / (1 + i * 0.15));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const pickProduct = () => {
    let r = rng.next() * weightSum;
    for (let i = 0; i < products.length; i++) if ((r -= weights[i]) <= 0) return products[i];
    return products[products.length - 1];
  };
  // A fifth of the customers place half the orders.
  const regularCut = Math.max(1, Math.floor(customers.length / 5));
  const pickCustomer = () =>
    rng.next() < 0.5
      ? customers[rng.int(0, regularCut - 1)]
      : customers[rng.int(0, customers.length - 1)];

  const drafts = minutes.map((minute, index) => {
    const lines = new Map<number, number>();
    for (let n = 1 + Math.floor(rng.next() * rng.next() * 4); n > 0; n--) {
      const p = pickProduct();
      lines.set(p.id, (lines.get(p.id) ?? 0) + (p.kind === "made_to_order" ? 1 : rng.int(1, 3)));
    }
    return { index, minute, userId: pickCustomer(), lines };
  });

  // The plan: what was asked for, sometimes less (sold out), usually a little more.
  const asked = new Map<number, number>();
  for (const d of drafts) for (const [id, q] of d.lines) asked.set(id, (asked.get(id) ?? 0) + q);
  const plans = new Map<number, HistoryPlan>();
  for (const p of products.filter((p) => p.kind === "daily")) {
    const want = asked.get(p.id) ?? 0;
    const planned = Math.max(6, Math.round(want * (0.85 + rng.next() * 0.45)));
    plans.set(p.id, { productId: p.id, planned, ordered: 0, counter: 0, soldOutAt: null });
  }

  const byId = new Map(products.map((p) => [p.id, p]));
  const clock = shopClock(date, hours, timeZone);
  const orders: HistoryOrder[] = [];
  for (const d of drafts) {
    const placedAt = new Date(clock(d.minute) + rng.int(0, 59_000));
    const cancelled = rng.next() < 0.04;
    const lines = [];
    for (const [id, wanted] of d.lines) {
      const p = byId.get(id)!;
      let quantity = wanted;
      const plan = plans.get(id);
      if (plan && !cancelled) {
        quantity = Math.min(wanted, plan.planned - plan.ordered);
        if (quantity <= 0) continue;
        plan.ordered += quantity;
        if (plan.ordered === plan.planned) plan.soldOutAt = placedAt;
      }
      const source = p.kind === "daily" ? "plan" : p.kind === "shelf" ? "stock" : "none";
      lines.push({ productId: id, name: p.name, priceCents: p.priceCents, quantity, source });
    }
    if (!lines.length) continue;
    const subtotal = lines.reduce((s, l) => s + l.priceCents * l.quantity, 0);
    const coupon = !input.known.has(d.userId) && subtotal >= 1000 && rng.next() < 0.3
      ? "welcome"
      : input.regulars.has(d.userId) && subtotal >= 2000 && rng.next() < 0.25
      ? "regular"
      : null;
    const discount = coupon === "welcome"
      ? Math.round(subtotal / 10)
      : coupon === "regular"
      ? 500
      : 0;
    input.known.add(d.userId);
    const bakingAt = new Date(placedAt.getTime() + rng.int(1, 8) * 60_000);
    const prep = rng.int(4, 20) + Math.floor(rng.next() * rng.next() * 50);
    const readyAt = new Date(bakingAt.getTime() + prep * 60_000);
    const pickupAt = new Date(
      Math.ceil((placedAt.getTime() + rng.int(20, 180) * 60_000) / 900_000) * 900_000,
    );
    const uncollected = !cancelled && rng.next() < 0.006;
    orders.push({
      code: orderCode(d.index + 1),
      userId: d.userId,
      status: cancelled ? "cancelled" : uncollected ? "ready" : "picked_up",
      placedAt,
      pickupAt,
      subtotalCents: subtotal,
      discountCents: discount,
      coupon,
      lines,
      bakingAt,
      readyAt: cancelled ? null : readyAt,
      endedAt: cancelled
        ? new Date(bakingAt.getTime() + 60_000)
        : uncollected
        ? null
        : new Date(Math.max(readyAt.getTime(), pickupAt.getTime()) + rng.int(0, 25) * 60_000),
    });
  }
  // Walk-in customers take part of what is left; the rest is the day's leftovers.
  const closing = clock(hours.closes);
  for (const plan of plans.values()) {
    const left = plan.planned - plan.ordered;
    if (left <= 0) continue;
    plan.counter = rng.next() < 0.15 ? left : Math.floor(left * rng.next() * 0.8);
    if (plan.counter === left) {
      plan.soldOutAt = new Date(closing - rng.int(10, 120) * 60_000);
    }
  }
  return { orders, plans: [...plans.values()] };
}
