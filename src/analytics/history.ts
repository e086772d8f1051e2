import { hashPassword } from "../accounts/passwords.ts";
import type { Sql } from "../infra/db.ts";
import type { Logger } from "../infra/log.ts";
import { addDays, localParts } from "../shop/hours.ts";
import { historyDay, type HistoryOrder, type HistoryPlan, seededRng } from "./history-plan.ts";
import { rebuildRollups, restAsLongAs } from "./rollups.ts";

/**
 * Writes a believable past into the demo bakery: `days` days up to yesterday, skipping days
 * that already have orders (so it can run again, or after the first start's 90 days, and
 * never counts a day twice). Orders, their lines and status history, coupon redemptions,
 * plans with walk-in sales and leftovers, and product views; then the rollups are rebuilt.
 */

const HISTORY_CUSTOMERS = 1200;
const DAYS_PER_WRITE = 10;
const DEFAULT_HOURS = { opens: 7 * 60, closes: 18 * 60 };

const firstNames = ["Ada", "Ben", "Cleo", "Dev", "Ella", "Finn", "Greta", "Hugo", "Ines", "Jon"];
const lastNames = ["Baker", "Miller", "Rye", "Crumb", "Sourdough", "Brioche", "Oat", "Spelt"];

async function historyCustomers(sql: Sql): Promise<number[]> {
  const hash = await hashPassword(crypto.randomUUID());
  const n = Array.from({ length: HISTORY_CUSTOMERS }, (_, i) => i + 1);
  await sql`
    insert into users (email, name, password_hash, role)
    select 'customer' || n || '@history.crumb.example',
      (${firstNames}::text[])[1 + n % 10] || ' ' || (${lastNames}::text[])[1 + (n / 10) % 8],
      ${hash}, 'customer'
    from unnest(${n}::int[]) n
    on conflict do nothing`;
  const rows = await sql<{ id: number }[]>`
    select id from users where email like '%@history.crumb.example' order by id`;
  return rows.map((r) => r.id);
}

/** Local days from `first` to `last` that have no order placed yet. */
async function emptyDays(sql: Sql, first: string, last: string, timeZone: string) {
  const taken = await sql<{ day: string }[]>`
    select distinct (placed_at at time zone ${timeZone})::date::text as day from orders
    where placed_at >= ${first}::date - 1 and placed_at < ${last}::date + 2`;
  const busy = new Set(taken.map((t) => t.day));
  const days: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) if (!busy.has(d)) days.push(d);
  return days;
}

export async function seedHistory(
  sql: Sql,
  {
    days,
    timeZone,
    currency,
    now,
    log,
    seed = 2024,
    daysPerWrite = DAYS_PER_WRITE,
    ordersPerDay,
    shareDatabase = false,
  }: {
    days: number;
    /** A fixed number of orders every day (benchmarks), instead of the weekly rhythm. */
    ordersPerDay?: number;
    /** Fewer days per transaction keep each statement short while the shop serves. */
    daysPerWrite?: number;
    /**
     * Rest after each write as long as it took, so a shop serving meanwhile gets the
     * (embedded, one-session) database at least half the time.
     */
    shareDatabase?: boolean;
    timeZone: string;
    /** The shop's currency, which every order is in. */
    currency: string;
    now: Date;
    log?: Logger;
    seed?: number;
  },
): Promise<{ days: number; orders: number }> {
  const today = localParts(now, timeZone).date;
  const todo = await emptyDays(sql, addDays(today, -days), addDays(today, -1), timeZone);
  if (!todo.length) return { days: 0, orders: 0 };
  const products = await sql<
    { id: number; name: string; priceCents: number; kind: "daily" | "made_to_order" | "shelf" }[]
  >`select id, name, price_cents, kind from products where active order by id`;
  if (!products.length) throw new Error("There are no products to sell: seed the catalog first.");
  const customers = await historyCustomers(sql);
  const hours = new Map(
    (await sql<{ weekday: number; opens: number; closes: number }[]>`
      select weekday, opens, closes from opening_hours`).map((h) => [h.weekday, h]),
  );
  const coupons = new Map(
    (await sql<{ key: string; code: string; id: number }[]>`
      select upper(code) as key, code, id from coupons
      where upper(code) in ('WELCOME10', 'REGULAR5')`).map((c) => [c.key, c]),
  );
  const rng = seededRng(seed);
  const regulars = new Set<number>();
  const known = new Set<number>();
  const collected = new Map<number, number>();
  let orders = 0;
  for (let i = 0; i < todo.length; i += daysPerWrite) {
    const started = performance.now();
    const batch = todo.slice(i, i + daysPerWrite).map((date) => {
      const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
      const day = historyDay({
        date,
        timeZone,
        hours: hours.get(weekday) ?? DEFAULT_HOURS,
        products,
        customers,
        regulars,
        known,
        orders: ordersPerDay,
      }, rng);
      for (const o of day.orders) {
        if (o.status !== "picked_up") continue;
        const n = (collected.get(o.userId) ?? 0) + 1;
        collected.set(o.userId, n);
        if (n >= 3) regulars.add(o.userId);
      }
      return { date, ...day };
    });
    await sql.begin((tx) =>
      writeDays(tx as unknown as Sql, batch, coupons, { timeZone, currency })
    );
    orders += batch.reduce((n, d) => n + d.orders.length, 0);
    log?.info("history written", { through: batch.at(-1)!.date, orders });
    if (shareDatabase) await restAsLongAs(started);
  }
  await rebuildRollups(sql, timeZone, {
    daysPerChunk: Math.max(daysPerWrite * 3, 7),
    shareDatabase,
  });
  return { days: todo.length, orders };
}

/**
 * Foreign keys checked once per referenced row instead of once per written row, where the
 * database lets this transaction do so: per-row checks were most of the history's writing
 * time (about four status steps and two lines an order, each a look-up and a lock of its
 * parent). Every row written below refers to an order written in the same statement, or to
 * a user, product or coupon locked here (FOR KEY SHARE, as the checks themselves lock), so
 * skipping the checks for the rest of the transaction loses nothing. Other triggers: none on
 * these tables. Without superuser rights the checks simply run per row.
 */
async function referencesChecked(
  tx: Sql,
  ids: { users: number[]; products: number[]; coupons: number[] },
) {
  const [{ superuser }] = await tx<{ superuser: boolean }[]>`
    select current_setting('is_superuser') = 'on' as superuser`;
  if (!superuser) return;
  const wanted = Object.values(ids).map((list) => [...new Set(list)]);
  const [found] = await tx<{ users: number; products: number; coupons: number }[]>`
    select
      (select count(*) from (select 1 from users where id = any(${wanted[0]}::int[])
        for key share) x)::int as users,
      (select count(*) from (select 1 from products where id = any(${wanted[1]}::int[])
        for key share) x)::int as products,
      (select count(*) from (select 1 from coupons where id = any(${wanted[2]}::int[])
        for key share) x)::int as coupons`;
  if (found.users !== wanted[0].length || found.products !== wanted[1].length) {
    throw new Error("A customer or product of the history was deleted while it was written.");
  }
  if (found.coupons !== wanted[2].length) {
    throw new Error("A coupon of the history was deleted while it was written.");
  }
  await tx`set local session_replication_role = replica`;
}

/**
 * Writes a batch of generated days in one transaction: the orders with their status steps,
 * lines and coupon redemptions in one statement (the steps, names and prices are derived in
 * SQL, so only the drawn figures cross the wire), then the days' plans, coupon
 * counts and product views.
 */
async function writeDays(
  sql: Sql,
  days: { date: string; orders: HistoryOrder[]; plans: HistoryPlan[] }[],
  coupons: Map<string, { id: number; code: string }>,
  { timeZone, currency }: { timeZone: string; currency: string },
) {
  const all = days.flatMap((d) => d.orders.map((o) => ({ ...o, date: d.date })));
  const couponOf = (o: HistoryOrder) =>
    o.coupon ? coupons.get(o.coupon === "welcome" ? "WELCOME10" : "REGULAR5") ?? null : null;
  // Instants cross as milliseconds since the epoch: cheaper to send and read than text.
  const ms = (d: Date | null) => d?.getTime() ?? null;
  const lines = all.flatMap((o, n) => o.lines.map((l) => [n + 1, l.productId, l.quantity]));
  await referencesChecked(sql, {
    users: all.map((o) => o.userId),
    products: lines.map((l) => l[1]),
    coupons: all.flatMap((o) => couponOf(o)?.id ?? []),
  });
  await sql`
    with drawn as (
      select * from unnest(${all.map((o) => o.code)}::text[], ${all.map((o) => o.date)}::date[],
        ${all.map((o) => o.userId)}::int[], ${all.map((o) => o.status)}::text[],
        ${all.map((o) => ms(o.pickupAt))}::int8[],
        ${all.map((o) => o.subtotalCents)}::int[],
        ${all.map((o) => (couponOf(o) ? o.discountCents : 0))}::int[],
        ${all.map((o) => couponOf(o)?.id ?? null)}::int[],
        ${all.map((o) => couponOf(o)?.code ?? null)}::text[],
        ${all.map((o) => ms(o.placedAt))}::int8[],
        ${all.map((o) => ms(o.bakingAt))}::int8[],
        ${all.map((o) => ms(o.readyAt))}::int8[],
        ${all.map((o) => ms(o.endedAt))}::int8[])
        with ordinality as t(code, day, user_id, status, pickup_ms, subtotal, discount, coupon_id,
          coupon_code, placed_ms, baking_ms, ready_ms, ended_ms, n)
    ), t as (
      select t.*, to_timestamp(pickup_ms / 1000.0) as pickup_at,
        to_timestamp(placed_ms / 1000.0) as placed_at,
        to_timestamp(baking_ms / 1000.0) as baking_at,
        to_timestamp(ready_ms / 1000.0) as ready_at,
        to_timestamp(ended_ms / 1000.0) as ended_at
      from drawn t
    ), o as (
      insert into orders (code, code_day, user_id, status, pickup_at, subtotal_cents,
        discount_cents, total_cents, currency, coupon_id, coupon_code, cancel_reason, placed_at,
        status_changed_at, updated_at, pickup_date, pickup_slot)
      select code, day, user_id, status, pickup_at, subtotal, discount, subtotal - discount,
        ${currency}, coupon_id, coupon_code,
        case when status = 'cancelled' then 'Plans changed' end, placed_at,
        coalesce(ended_at, ready_at), coalesce(ended_at, ready_at),
        (pickup_at at time zone ${timeZone})::date, pickup_at
      from t order by n
      returning id, code_day, code, user_id, coupon_id, status, placed_at
    ), placed as (
      select o.*, t.n, t.baking_at, t.ready_at, t.ended_at
      from o join t on t.day = o.code_day and t.code = o.code
    ), steps as (
      insert into order_status_history (order_id, from_status, to_status, at, announced_at)
      select p.id, s.from_status, s.to_status, s.at, s.at
      from placed p
      cross join lateral (values
        (1, null, 'placed', p.placed_at),
        (2, 'placed', 'baking', p.baking_at),
        (3, 'baking', 'ready', p.ready_at),
        (4, case when p.ready_at is null then 'baking' else 'ready' end, p.status, p.ended_at)
      ) as s(step, from_status, to_status, at)
      where s.at is not null
      order by p.id, s.step
    ), redeemed as (
      insert into coupon_redemptions (coupon_id, order_id, user_id, redeemed_at)
      select coupon_id, id, user_id, placed_at from placed
      where coupon_id is not null and status <> 'cancelled'
    )
    insert into order_items (order_id, product_id, name, unit_price_cents, quantity, source)
    select p.id, l.product_id, pr.name, pr.price_cents, l.quantity,
      case pr.kind when 'daily' then 'plan' when 'shelf' then 'stock' else 'none' end
    from unnest(${lines.map((l) => l[0])}::int[], ${lines.map((l) => l[1])}::int[],
      ${lines.map((l) => l[2])}::int[]) as l(n, product_id, quantity)
    join placed p using (n)
    join products pr on pr.id = l.product_id
    order by p.id, l.product_id`;
  const redeemed = all.filter((o) => couponOf(o) && o.status !== "cancelled");
  await sql`
    update coupons c set redeemed_count = redeemed_count + r.n
    from (select coupon_id, count(*)::int as n
          from unnest(${redeemed.map((o) => couponOf(o)!.id)}::int[]) coupon_id
          group by coupon_id) r
    where c.id = r.coupon_id and c.max_redemptions is null`;
  const plans = days.flatMap((d) => d.plans.map((p) => ({ ...p, date: d.date })));
  await sql`
    insert into product_days (product_id, date, planned, follows_par, ordered, counter,
      sold_out_at)
    select product_id, date, planned, false, ordered, counter, sold_out_at
    from unnest(${plans.map((p) => p.productId)}::int[], ${plans.map((p) => p.date)}::date[],
      ${plans.map((p) => p.planned)}::int[], ${plans.map((p) => p.ordered)}::int[],
      ${plans.map((p) => p.counter)}::int[],
      ${plans.map((p) => p.soldOutAt?.toISOString() ?? null)}::timestamptz[])
      as t(product_id, date, planned, ordered, counter, sold_out_at)
    on conflict (product_id, date) do nothing`;
  // Views: a few looks for every unit ordered.
  const viewed = new Map<string, number>();
  for (const o of all) {
    for (const l of o.lines) {
      const key = `${l.productId} ${o.date}`;
      viewed.set(key, (viewed.get(key) ?? 0) + l.quantity);
    }
  }
  const views = [...viewed].map(([key, units]) => [...key.split(" "), units] as const);
  await sql`
    insert into product_views_daily (product_id, day, views)
    select product_id, day, (units * (2 + random() * 3))::int
    from unnest(${views.map((v) => Number(v[0]))}::int[], ${views.map((v) => v[1])}::date[],
      ${views.map((v) => v[2])}::int[]) as t(product_id, day, units)
    on conflict (product_id, day) do update set views = product_views_daily.views + excluded.views`;
}
