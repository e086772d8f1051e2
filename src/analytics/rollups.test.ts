import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertUser } from "../accounts/queries.ts";
import { type Consumer, newMessage } from "../infra/queue.ts";
import { ORDERS_QUEUE } from "../outbox/outbox.ts";
import { createTestContext, eventually, type TestContext, uniqueId } from "../../tests/harness.ts";
import {
  startConsumers,
  stopConsumers,
  type WorkerDeps,
  workerDeps,
} from "../../worker/handlers/index.ts";
import { ordersHandler } from "../../worker/handlers/orders.ts";
import { localParts } from "../shop/hours.ts";
import { rebuildRollups, ROLLUP_TABLES, rollupsNeedBuilding } from "./rollups.ts";

/**
 * The rollups the worker keeps from order events: placed, moved along, cancelled, collected,
 * through the real outbox and queue; equal to a rebuild from the orders; unchanged by a
 * redelivered or repeated event.
 */

let t: TestContext;
let deps: WorkerDeps;
let consumers: Consumer[];
let customers: number[];
let staff: { id: number; role: "staff" };
let products: { id: number; priceCents: number }[];

const user = async (role: "customer" | "staff") => {
  const row = await insertUser(t.sql, {
    email: `${role}-${uniqueId()}@example.test`,
    name: `${role} ${uniqueId()}`,
    passwordHash: "not-a-real-hash",
    role,
  });
  return row!.id;
};

/** Every rollup row, in a stable order. */
async function snapshot() {
  const all: Record<string, unknown[]> = {};
  for (const table of ROLLUP_TABLES) {
    all[table] = (await t.sql`select * from ${t.sql(table)} order by 1, 2`)
      .map(({ updatedAt: _, ...row }) => row);
  }
  return all;
}

/** Waits until every order event written so far has been handled by the worker. */
const drained = () =>
  eventually(async () => {
    const [row] = await t.sql<{ pending: number }[]>`
      select count(*)::int as pending from outbox o
      where o.queue = ${ORDERS_QUEUE}
        and not exists (select 1 from processed_messages p where p.message_id = o.message_id::text)`;
    return row.pending === 0;
  }, { timeoutMs: 20_000 });

beforeAll(async () => {
  t = await createTestContext({ seed: true });
  deps = workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log });
  consumers = await startConsumers(deps);
  customers = [await user("customer"), await user("customer"), await user("customer")];
  staff = { id: await user("staff"), role: "staff" };
  await t.sql`update products set stock = 500 where active`;
  products = await t.sql<{ id: number; priceCents: number }[]>`
    select id, price_cents from products where active and kind = 'shelf' order by id limit 3`;
});
afterAll(async () => {
  if (consumers) await stopConsumers(consumers);
  await t?.close();
});

const today = () => localParts(new Date(), t.deps.config.timeZone).date;
const figures = async () => {
  const [row] = await t.sql<{ orders: number; cancelled: number; revenueCents: number }[]>`
    select orders, cancelled, revenue_cents::float8 as revenue_cents from sales_days
    where date = ${today()}`;
  return row;
};

describe("sales rollups kept from order events", () => {
  it("follow orders placed, moved along, collected and cancelled, and equal a rebuild", async () => {
    const placed = [];
    for (let i = 0; i < 6; i++) {
      const { order } = await t.services.orders.place({
        userId: customers[i % 3],
        items: [{ productId: products[i % 3].id, quantity: 1 + i }],
      });
      placed.push(order);
    }
    await drained();
    const all = placed.reduce((s, o) => s + o.totalCents, 0);
    expect(await figures()).toMatchObject({ orders: 6, cancelled: 0, revenueCents: all });

    for (const status of ["baking", "ready", "picked_up"] as const) {
      await t.services.orders.changeStatus(placed[0].id, status, staff);
    }
    await t.services.orders.changeStatus(placed[1].id, "cancelled", staff, {
      reason: "Out of flour",
    });
    await drained();
    expect(await figures()).toMatchObject({
      orders: 5,
      cancelled: 1,
      revenueCents: all - placed[1].totalCents,
    });
    const [prep] = await t.sql<{ orders: number }[]>`
      select sum(orders)::int as orders from sales_day_prep where date = ${today()}`;
    expect(prep.orders).toBe(1);
    const [collected] = await t.sql<{ pickedUp: number }[]>`
      select picked_up from sales_day_customers
      where date = ${today()} and user_id = ${customers[0]}`;
    expect(collected.pickedUp).toBe(1);

    const live = await snapshot();
    await rebuildRollups(t.sql, t.deps.config.timeZone);
    expect(await snapshot()).toEqual(live);
    expect(await rollupsNeedBuilding(t.sql, t.deps.config.timeZone)).toBe(false);
  });

  it("counts a redelivered event once, and a repeated one changes nothing", async () => {
    const { order } = await t.services.orders.place({
      userId: customers[0],
      items: [{ productId: products[0].id, quantity: 2 }],
    });
    await drained();
    const before = await snapshot();
    const [sent] = await t.sql<{ messageId: string }[]>`
      select message_id from outbox
      where type = 'order.placed' and payload ->> 'orderId' = ${String(order.id)}`;
    const handle = ordersHandler(deps);
    // The broker gives the same message again (same id), then someone sends a copy.
    await handle({ ...newMessage("order.placed", { orderId: order.id }), id: sent.messageId }, 2);
    await handle(newMessage("order.placed", { orderId: order.id }), 1);
    await handle(newMessage("order.placed", { orderId: order.id }), 1);
    expect(await snapshot()).toEqual(before);
  });

  it("is rebuilt once when the zone it was cut in changes", async () => {
    expect(await rollupsNeedBuilding(t.sql, "Pacific/Auckland")).toBe(true);
    await rebuildRollups(t.sql, "Pacific/Auckland");
    expect(await rollupsNeedBuilding(t.sql, "Pacific/Auckland")).toBe(false);
    await rebuildRollups(t.sql, t.deps.config.timeZone);
  });
});
