import { insertUser } from "../src/accounts/queries.ts";
import { localParts } from "../src/shop/hours.ts";
import type { TestContext } from "./harness.ts";

/** Random orders straight into the tables, and the sales figures computed the slow way. */

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: <T>(items: T[]) => items[int(0, items.length - 1)] };
}

const statuses = ["placed", "baking", "ready", "picked_up", "cancelled"] as const;
let serial = 0;

/**
 * `count` orders of `customers` new customers, placed at random instants between `start` and
 * `end`, with random items, coupons, statuses, and ready times (some after the pickup).
 */
export async function randomOrders(
  t: TestContext,
  rng: ReturnType<typeof random>,
  { count, customers, start, end }: { count: number; customers: number; start: Date; end: Date },
) {
  const products = await t.sql<{ id: number; priceCents: number; name: string }[]>`
    select id, price_cents, name from products order by id limit 6`;
  const users: number[] = [];
  for (let i = 0; i < customers; i++) {
    const row = await insertUser(t.sql, {
      email: `buyer.${++serial}.${crypto.randomUUID().slice(0, 6)}@example.com`,
      name: `Buyer ${serial}`,
      passwordHash: "not-a-real-hash",
      role: "customer",
    });
    users.push(row!.id);
  }
  const [coupon] = await t.sql<{ id: number }[]>`
    insert into coupons (code, kind, amount) values (${`R${++serial}X`}, 'fixed', 100)
    returning id`;
  const span = end.getTime() - start.getTime();
  for (let i = 0; i < count; i++) {
    const placedAt = new Date(start.getTime() + Math.floor(rng.next() * span));
    const pickupAt = new Date(placedAt.getTime() + rng.int(10, 60 * 60) * 60_000);
    const status = rng.pick([...statuses]);
    const lines = new Map<number, number>();
    for (let n = rng.int(1, 3); n > 0; n--) {
      lines.set(rng.int(0, products.length - 1), rng.int(1, 4));
    }
    const subtotal = [...lines].reduce((s, [p, q]) => s + products[p].priceCents * q, 0);
    const withCoupon = rng.next() < 0.3 && subtotal >= 100;
    const discount = withCoupon ? 100 : 0;
    const code = `Q${++serial}`;
    const [order] = await t.sql<{ id: number }[]>`
      insert into orders (code, code_day, user_id, status, pickup_at, subtotal_cents,
        discount_cents, total_cents, currency, coupon_id, coupon_code, placed_at,
        status_changed_at)
      values (${code}, ${placedAt.toISOString().slice(0, 10)}, ${rng.pick(users)}, ${status},
        ${pickupAt}, ${subtotal}, ${discount}, ${subtotal - discount}, 'EUR',
        ${withCoupon ? coupon.id : null}, ${withCoupon ? "RX" : null}, ${placedAt}, ${placedAt})
      returning id`;
    for (const [p, quantity] of lines) {
      await t.sql`
        insert into order_items (order_id, product_id, name, unit_price_cents, quantity)
        values (${order.id}, ${products[p].id}, ${products[p].name}, ${products[p].priceCents},
          ${quantity})`;
    }
    const becameReady = status === "ready" || status === "picked_up" ||
      (status === "cancelled" && rng.next() < 0.3);
    if (becameReady) {
      const readyAt = new Date(placedAt.getTime() + rng.int(0, 90 * 60) * 1000);
      await t.sql`
        insert into order_status_history (order_id, from_status, to_status, at, announced_at)
        values (${order.id}, 'baking', 'ready', ${readyAt}, ${readyAt})`;
    }
  }
}

interface RawOrder {
  id: number;
  userId: number;
  status: string;
  placedAt: Date;
  pickupAt: Date;
  totalCents: number;
  discountCents: number;
  readyAt: Date | null;
}

/** The API's figures for `from`…`to`, computed from every raw order in JavaScript. */
export async function bruteForce(t: TestContext, from: string, to: string, timeZone: string) {
  const orders = await t.sql<RawOrder[]>`
    select o.id, o.user_id, o.status, o.placed_at, o.pickup_at, o.total_cents, o.discount_cents,
      (select min(at) from order_status_history h where h.order_id = o.id
        and h.to_status = 'ready') as ready_at
    from orders o order by o.placed_at, o.id`;
  const items = await t.sql<{ orderId: number; productId: number; q: number; cents: number }[]>`
    select order_id, product_id, quantity as q, unit_price_cents as cents from order_items`;
  const day = (at: Date) => localParts(at, timeZone).date;
  const inRange = (at: Date) => day(at) >= from && day(at) <= to;
  const placed = orders.filter((o) => inRange(o.placedAt));
  const sales = placed.filter((o) => o.status !== "cancelled");
  const revenueCents = sales.reduce((s, o) => s + o.totalCents, 0);

  const byDay = new Map<string, { revenueCents: number; orders: number }>();
  const byHour = new Map<string, number>();
  for (const o of sales) {
    const d = byDay.get(day(o.placedAt)) ?? { revenueCents: 0, orders: 0 };
    d.revenueCents += o.totalCents;
    d.orders++;
    byDay.set(day(o.placedAt), d);
    const local = localParts(o.placedAt, timeZone);
    const key = `${local.weekday}:${Math.floor(local.minutes / 60)}`;
    byHour.set(key, (byHour.get(key) ?? 0) + 1);
  }
  const saleIds = new Set(sales.map((o) => o.id));
  const products = new Map<number, { quantity: number; revenueCents: number }>();
  for (const i of items.filter((i) => saleIds.has(i.orderId))) {
    const p = products.get(i.productId) ?? { quantity: 0, revenueCents: 0 };
    p.quantity += i.q;
    p.revenueCents += i.q * i.cents;
    products.set(i.productId, p);
  }
  const firstOrder = new Map<number, RawOrder>();
  for (const o of orders) if (!firstOrder.has(o.userId)) firstOrder.set(o.userId, o);
  const fresh = new Set(
    [...firstOrder.values()].filter((o) => inRange(o.placedAt)).map((o) => o.userId),
  );
  const buyers = new Set(sales.map((o) => o.userId));
  const ready = sales.filter((o) => o.readyAt);
  const minutes = ready.map((o) =>
    Math.min(1440, Math.max(0, Math.floor((o.readyAt!.getTime() - o.placedAt.getTime()) / 60_000)))
  ).sort((a, b) => a - b);
  const rank = (share: number) =>
    minutes.length ? minutes[Math.ceil(share * minutes.length) - 1] : null;
  return {
    revenueCents,
    orders: sales.length,
    averageOrderCents: sales.length ? Math.round(revenueCents / sales.length) : 0,
    cancelledOrders: placed.length - sales.length,
    discountCents: sales.reduce((s, o) => s + o.discountCents, 0),
    byDay: Object.fromEntries(byDay),
    byHour: Object.fromEntries(byHour),
    products: Object.fromEntries(products),
    customers: { new: fresh.size, returning: [...buyers].filter((u) => !fresh.has(u)).length },
    prepMinutes: { p50: rank(0.5), p90: rank(0.9) },
    onTimeRate: ready.length
      ? ready.filter((o) => o.readyAt! <= o.pickupAt).length / ready.length
      : null,
  };
}
