import type { Queryable } from "../infra/db.ts";
import type { Closure } from "./calendar.ts";

/** SQL of the opening calendar's writes, and the orders a closure leaves stranded. */

export async function insertClosure(
  tx: Queryable,
  c: { from: string; to: string; reason: string; createdBy: number },
): Promise<Closure> {
  const [row] = await tx<Closure[]>`
    insert into closures (starts_on, ends_on, reason, created_by)
    values (${c.from}::date, ${c.to}::date, ${c.reason}, ${c.createdBy})
    returning id, starts_on::text as from, ends_on::text as to, reason`;
  return row;
}

export async function deleteClosure(tx: Queryable, id: number): Promise<Closure | null> {
  const [row] = await tx<Closure[]>`
    delete from closures where id = ${id}
    returning id, starts_on::text as from, ends_on::text as to, reason`;
  return row ?? null;
}

/** Closures that end today or later, with how many open orders fall in each. */
export async function upcomingClosures(sql: Queryable, today: string) {
  return await sql<(Closure & { openOrders: number })[]>`
    select c.id, c.starts_on::text as from, c.ends_on::text as to, c.reason,
      (select count(*)::int from orders o
       where o.pickup_date between c.starts_on and c.ends_on
         and o.status in ('placed', 'baking', 'ready')) as open_orders
    from closures c where c.ends_on >= ${today}::date
    order by c.starts_on, c.id`;
}

export interface StrandedOrder {
  id: number;
  code: string;
  status: string;
  pickupAt: Date;
  customerName: string;
  customerEmail: string;
}

/** Open orders for pickup between two dates: the ones to contact or cancel. */
export async function openOrdersBetween(sql: Queryable, from: string, to: string) {
  return await sql<StrandedOrder[]>`
    select o.id, o.code, o.status, o.pickup_at, u.name as customer_name,
      u.email as customer_email
    from orders o join users u on u.id = o.user_id
    where o.pickup_date between ${from}::date and ${to}::date
      and o.status in ('placed', 'baking', 'ready')
    order by o.pickup_at, o.id`;
}

export async function replaceWeek(
  tx: Queryable,
  week: ({ opens: number; closes: number } | null)[],
) {
  await tx`delete from opening_hours`;
  for (const [weekday, hours] of week.entries()) {
    if (!hours) continue;
    await tx`
      insert into opening_hours (weekday, opens, closes)
      values (${weekday}, ${hours.opens}, ${hours.closes})`;
  }
}

export async function upsertSpecialHours(
  tx: Queryable,
  s: { date: string; opens: number; closes: number; note: string },
) {
  await tx`
    insert into special_hours (date, opens, closes, note)
    values (${s.date}::date, ${s.opens}, ${s.closes}, ${s.note})
    on conflict (date) do update set opens = excluded.opens, closes = excluded.closes,
      note = excluded.note`;
}

export async function deleteSpecialHours(tx: Queryable, date: string) {
  const rows = await tx`delete from special_hours where date = ${date}::date returning date`;
  return rows.length > 0;
}

/** Orders (not cancelled) from `from` on, to give them seats in a new slot grid. */
export async function ordersFrom(tx: Queryable, from: Date) {
  return await tx<{ id: number; pickupAt: Date }[]>`
    select id, pickup_at from orders where pickup_at >= ${from} and status <> 'cancelled'`;
}

/** Starts the seat counts again from `from`: orders get the slots of the new grid. */
export async function reseat(
  tx: Queryable,
  from: Date,
  seats: { orderId: number; slot: Date | null }[],
) {
  await tx`delete from pickup_slots where at >= ${from}`;
  const counts = new Map<number, number>();
  for (const { orderId, slot } of seats) {
    await tx`update orders set pickup_slot = ${slot} where id = ${orderId}`;
    if (slot) counts.set(slot.getTime(), (counts.get(slot.getTime()) ?? 0) + 1);
  }
  for (const [at, taken] of counts) {
    await tx`insert into pickup_slots (at, taken) values (${new Date(at)}, ${taken})`;
  }
}
