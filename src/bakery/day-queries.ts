import type postgres from "postgres";
import type { Queryable } from "../infra/db.ts";

/**
 * Conditional writes on a daily product's date and on pickup seats. Each is one statement
 * that either takes what is asked or changes nothing: limits live in SQL, never in a check
 * made before the write.
 */

/** When the remaining reaches zero it sold out now; when some comes back it is not. */
const soldOut = (tx: Queryable, after: postgres.Fragment, current = tx`sold_out_at`) =>
  tx`case when ${after} > 0 then null else coalesce(${current}, now()) end`;

/** Makes the date's plan row from the weekday's par unless it exists (daily products only). */
async function ensurePlanRow(tx: Queryable, productId: number, date: string) {
  // Key-share locked: a par change locks the product for update first, so the par read
  // here is the one committed when the lock is granted, never an older one.
  await tx`
    insert into product_days (product_id, date, planned)
    select id, ${date}::date, par[extract(isodow from ${date}::date)::int]
    from products where id = ${productId} and kind = 'daily'
    for key share
    on conflict (product_id, date) do nothing`;
}

/** Takes `quantity` of the date's plan; the remaining afterwards, or null when short. */
export async function takeFromPlan(
  tx: Queryable,
  productId: number,
  date: string,
  quantity: number,
): Promise<number | null> {
  const take = () =>
    tx<{ remaining: number }[]>`
      update product_days set ordered = ordered + ${quantity},
        sold_out_at = ${soldOut(tx, tx`remaining - ${quantity}`)},
        updated_at = now()
      where product_id = ${productId} and date = ${date}::date and remaining >= ${quantity}
      returning remaining`;
  let [row] = await take();
  if (!row) {
    await ensurePlanRow(tx, productId, date);
    [row] = await take();
  }
  return row?.remaining ?? null;
}

/** Puts back what a cancelled order took from the date's plan; the new remaining. */
export async function giveBackToPlan(
  tx: Queryable,
  productId: number,
  date: string,
  quantity: number,
): Promise<number | null> {
  const [row] = await tx<{ remaining: number }[]>`
    update product_days set ordered = greatest(0, ordered - ${quantity}),
      sold_out_at = ${soldOut(tx, tx`remaining + ${quantity}`)},
      updated_at = now()
    where product_id = ${productId} and date = ${date}::date
    returning remaining`;
  return row?.remaining ?? null;
}

/** What is left of a daily product for a date (its par when the date has no row yet). */
export async function planRemaining(tx: Queryable, productId: number, date: string) {
  const [row] = await tx<{ remaining: number }[]>`
    select coalesce(d.remaining, p.par[extract(isodow from ${date}::date)::int]) as remaining
    from products p
    left join product_days d on d.product_id = p.id and d.date = ${date}::date
    where p.id = ${productId}`;
  return row?.remaining ?? 0;
}

/**
 * Sets a date's plan by hand unless more is already ordered (or gone over the counter) than
 * the new plan. The row is locked while this is decided, so a checkout taking from the same
 * date waits or goes first: never both. Null when refused.
 */
export async function setDatePlan(
  tx: Queryable,
  productId: number,
  date: string,
  planned: number,
): Promise<{ remaining: number } | null> {
  const [row] = await tx<{ remaining: number }[]>`
    insert into product_days as d (product_id, date, planned, follows_par)
    values (${productId}, ${date}::date, ${planned}, false)
    on conflict (product_id, date) do update set planned = excluded.planned,
      follows_par = false, updated_at = now(),
      sold_out_at = ${soldOut(tx, tx`excluded.planned - d.ordered - d.counter`, tx`d.sold_out_at`)}
    where d.ordered + d.counter <= excluded.planned
    returning remaining`;
  return row ?? null;
}

/** What is ordered for a date (and gone over the counter), for a refusal's words. */
export async function takenOn(tx: Queryable, productId: number, date: string) {
  const [row] = await tx<{ ordered: number; counter: number }[]>`
    select ordered, counter from product_days
    where product_id = ${productId} and date = ${date}::date`;
  return row ?? { ordered: 0, counter: 0 };
}

/**
 * A counter correction of a daily product on a date: `planned` grows by an extra bake,
 * `counter` by walk-in sales and waste (less by a correction up). Refused (null) when the
 * remaining would go below zero.
 */
export async function correctPlan(
  tx: Queryable,
  productId: number,
  date: string,
  change: { planned: number; counter: number },
): Promise<{ remaining: number; previous: number } | null> {
  await ensurePlanRow(tx, productId, date);
  const [row] = await tx<{ remaining: number; previous: number }[]>`
    update product_days d set planned = d.planned + ${change.planned},
      counter = d.counter + ${change.counter}, updated_at = now(),
      sold_out_at = ${
    soldOut(tx, tx`d.remaining + ${change.planned} - ${change.counter}`, tx`d.sold_out_at`)
  }
    from (select remaining from product_days
          where product_id = ${productId} and date = ${date}::date for update) old
    where d.product_id = ${productId} and d.date = ${date}::date
      and d.remaining + ${change.planned} - ${change.counter} >= 0
      and d.planned + ${change.planned} >= 0
    returning d.remaining, old.remaining as previous`;
  return row ?? null;
}

/**
 * Takes a seat in a pickup slot; with a capacity, only while seats are left. Null when the
 * slot is full.
 */
export async function takeSeat(tx: Queryable, at: Date, capacity: number | null) {
  const [row] = await tx<{ taken: number }[]>`
    insert into pickup_slots as s (at, taken) values (${at}, 1)
    on conflict (at) do update set taken = s.taken + 1
    where ${capacity}::int is null or s.taken < ${capacity}::int
    returning taken`;
  return row?.taken ?? null;
}

/** Takes a seat whatever the capacity (staff booking over it, on the record). */
export const takeSeatOverCapacity = (tx: Queryable, at: Date) => takeSeat(tx, at, null);

export async function releaseSeat(tx: Queryable, at: Date) {
  await tx`update pickup_slots set taken = taken - 1 where at = ${at} and taken > 0`;
}

/** Seats taken in slots from `from` (inclusive) to `to` (exclusive). */
export async function seatsBetween(sql: Queryable, from: Date, to: Date) {
  const rows = await sql<{ at: Date; taken: number }[]>`
    select at, taken from pickup_slots where at >= ${from} and at < ${to}`;
  return new Map(rows.map((r) => [r.at.getTime(), r.taken]));
}

/**
 * A stock-screen change to a daily product, applied to a date's plan: an extra bake raises
 * the plan; waste, walk-in sales and corrections move the counter; "set" makes the remaining
 * what was counted. Null when it would take more than is left.
 */
export async function counterChange(
  tx: Queryable,
  productId: number,
  date: string,
  change: { mode: "add" | "take" | "set"; reason: string; quantity: number },
): Promise<{ delta: number; remaining: number } | null> {
  let planned = 0;
  let counter = 0;
  if (change.mode === "set") {
    await ensurePlanRow(tx, productId, date);
    const [row] = await tx<{ remaining: number }[]>`
      select remaining from product_days
      where product_id = ${productId} and date = ${date}::date for update`;
    if (!row) return null;
    counter = row.remaining - change.quantity;
  } else if (change.mode === "add" && change.reason === "bake") planned = change.quantity;
  else counter = change.mode === "take" ? change.quantity : -change.quantity;
  const row = await correctPlan(tx, productId, date, { planned, counter });
  return row ? { delta: row.remaining - row.previous, remaining: row.remaining } : null;
}
