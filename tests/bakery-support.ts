import { expect } from "vitest";
import { createApp, createServices } from "../src/app.ts";
import { instantAt } from "../src/shop/hours.ts";
import type { TestContext } from "./harness.ts";

/** Helpers for bakery-day tests: a shop in London on a fixed clock, products of each kind. */

/** Closed on Sundays; the London clocks go forward on 30 March 2031 and back on 26 October. */
export const bakeryConfig = {
  TIMEZONE: "Europe/London",
  OPENING_HOURS: "mon-fri 07:00-18:00; sat 08:00-16:00; sun closed",
  PREP_MINUTES: "20",
  API_RATE_LIMIT_PER_MINUTE: "1000000",
};

/** Wednesday 16 April 2031, 10:00 in London (BST). */
export const WEDNESDAY_10 = Date.parse("2031-04-16T09:00:00Z");
export const TODAY = "2031-04-16";
export const THURSDAY = "2031-04-17";
export const FRIDAY = "2031-04-18";
export const SATURDAY = "2031-04-19";
export const SUNDAY = "2031-04-20";
export const MONDAY = "2031-04-21";

/** The instant of a London wall-clock time on a date, as the API writes it. */
export const at = (date: string, time: string) => {
  const [h, m] = time.split(":").map(Number);
  return instantAt(date, h * 60 + m, "Europe/London").toISOString();
};

/** The test context's app and services with their own clock (moved by `clock.now`). */
export function bakeryAt(t: TestContext, start = WEDNESDAY_10) {
  const clock = { now: start };
  const deps = { ...t.deps, now: () => new Date(clock.now) };
  const services = createServices(deps);
  const app = createApp(deps, services);
  const ctx: TestContext = { ...t, app, services, deps };
  return { clock, ctx, services, app };
}

const used = new WeakMap<TestContext["sql"], Set<number>>();

/** A product of the demo seed no other test of this file has taken. */
async function freshProduct(t: TestContext) {
  const taken = used.get(t.sql) ?? new Set<number>();
  used.set(t.sql, taken);
  const [row] = await t.sql<{ id: number; name: string; priceCents: number }[]>`
    select id, name, price_cents from products
    where active and not (id = any(${[...taken]}::int[]))
    order by id limit 1`;
  expect(row, "a demo product left to use").toBeDefined();
  taken.add(row.id);
  return row;
}

/** A daily product with the same par every weekday (or the par given, Monday first). */
export async function dailyProduct(t: TestContext, par: number | number[]) {
  const p = await freshProduct(t);
  const week = Array.isArray(par) ? par : [par, par, par, par, par, par, par];
  await t.sql`update products set kind = 'daily', par = ${week}::int[] where id = ${p.id}`;
  await t.services.catalog.changed();
  return p;
}

export async function madeToOrder(t: TestContext, leadTimeHours: number) {
  const p = await freshProduct(t);
  await t.sql`
    update products set kind = 'made_to_order', lead_time_hours = ${leadTimeHours}
    where id = ${p.id}`;
  await t.services.catalog.changed();
  return p;
}

export async function shelfProduct(t: TestContext, stock: number) {
  const p = await freshProduct(t);
  await t.sql`update products set kind = 'shelf', stock = ${stock} where id = ${p.id}`;
  return p;
}

/** Ordered, planned and remaining of a daily product on a date (null: no row yet). */
export async function planRow(t: TestContext, productId: number, date: string) {
  const [row] = await t.sql<{ planned: number; ordered: number; remaining: number }[]>`
    select planned, ordered, remaining from product_days
    where product_id = ${productId} and date = ${date}::date`;
  return row ?? null;
}

export async function seatsAt(t: TestContext, instant: string) {
  const [row] = await t.sql<{ taken: number }[]>`
    select taken from pickup_slots where at = ${new Date(instant)}`;
  return row?.taken ?? 0;
}

export async function setSettings(
  t: TestContext,
  s: { ordersPerSlot?: number | null; horizonDays?: number; cutoff?: number | null },
) {
  if (s.ordersPerSlot !== undefined) {
    await t.sql`update pickup_settings set orders_per_slot = ${s.ordersPerSlot}`;
  }
  if (s.horizonDays !== undefined) {
    await t.sql`update pickup_settings set horizon_days = ${s.horizonDays}`;
  }
  if (s.cutoff !== undefined) {
    await t.sql`update pickup_settings set next_day_cutoff_minutes = ${s.cutoff}`;
  }
}
