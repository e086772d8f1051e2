import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertUser } from "../../src/accounts/queries.ts";
import type { Role } from "../../src/accounts/roles.ts";
import { type Consumer, newMessage } from "../../src/infra/queue.ts";
import { ORDERS_QUEUE } from "../../src/outbox/outbox.ts";
import { createTestContext, eventually, type TestContext, uniqueId } from "../../tests/harness.ts";
import { startConsumers, stopConsumers, type WorkerDeps, workerDeps } from "./index.ts";
import { ordersHandler } from "./orders.ts";

/**
 * Order events end to end: the order transaction writes the outbox, the relay publishes,
 * the orders consumer writes the audit trail and the customer's notifications.
 */

let t: TestContext;
let deps: WorkerDeps;
let consumers: Consumer[];
let customer: { id: number; role: Role; email: string; name: string };
let staff: { id: number; role: Role };
let products: { id: number; name: string; priceCents: number }[];

const createUser = async (role: Role, name: string) => {
  const email = `${role}-${uniqueId()}@example.test`;
  const user = await insertUser(t.sql, { email, name, passwordHash: "not-a-real-hash", role });
  return { id: user!.id, role, email, name };
};

beforeAll(async () => {
  t = await createTestContext({ seed: true });
  deps = workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log });
  consumers = await startConsumers(deps);
  customer = await createUser("customer", "Ada Baker");
  staff = await createUser("staff", "Sam Counter");
  products = await t.sql<{ id: number; name: string; priceCents: number }[]>`
    select id, name, price_cents from products where active and stock >= 20 order by id limit 2`;
  expect(products).toHaveLength(2);
});
afterAll(async () => {
  if (consumers) await stopConsumers(consumers);
  await t?.close();
});

interface Note {
  messageId: string;
  kind: string;
  recipient: string;
  subject: string;
  body: string;
  status: string;
}

const notesOf = (orderId: number) =>
  t.sql<Note[]>`
    select message_id, kind, recipient, subject, body, status from notifications
    where order_id = ${orderId} order by id`;

const auditOf = (orderId: number) =>
  t.sql<{ action: string; actorId: number | null; details: Record<string, unknown> }[]>`
    select action, actor_id, details from audit_log
    where entity_type = 'order' and entity_id = ${String(orderId)} order by id`;

/** Waits until the consumer has written `count` audit rows for the order. */
const auditCount = async (orderId: number, count: number) => {
  const rows = await eventually(async () => {
    const rows = await auditOf(orderId);
    if (rows.length > count) throw new Error(`more than ${count} audit rows: ${rows.length}`);
    return rows.length === count ? rows : null;
  });
  return rows!;
};

const place = async () => {
  const placed = await t.services.orders.place({
    userId: customer.id,
    items: [{ productId: products[0].id, quantity: 2 }, { productId: products[1].id, quantity: 1 }],
  });
  return placed.order;
};

describe("order events", () => {
  it("confirms a placed order to its customer and audits it", async () => {
    const order = await place();
    const [audit] = await auditCount(order.id, 1);
    expect(audit).toMatchObject({
      action: "order.placed",
      actorId: customer.id,
      details: { code: order.code, totalCents: order.totalCents },
    });

    const notes = await notesOf(order.id);
    expect(notes.map((n) => [n.kind, n.recipient, n.status])).toEqual([
      ["order_confirmation", customer.email, "recorded"],
    ]);
    const [note] = notes;
    expect(note.subject).toContain(order.code);
    expect(note.body).toContain(`Hello ${customer.name}`);
    expect(note.body).toContain(`2 × ${products[0].name}`);
    expect(note.body).toContain(`1 × ${products[1].name}`);
    expect(order.totalCents).toBe(2 * products[0].priceCents + products[1].priceCents);
    expect(note.body).toContain(`Total: ${t.services.format.money(order.totalCents)}`);
    expect(note.body).toContain(`Pickup: ${t.services.format.dateTime(order.pickupAt)}`);
    // The message that caused it is the outbox row the order wrote (which the relay marks
    // published after the broker's confirm: possibly after the consumer was done).
    const outbox = await eventually(async () => {
      const [row] = await t.sql<{ messageId: string; publishedAt: Date | null }[]>`
        select message_id, published_at from outbox
        where type = 'order.placed' and payload ->> 'orderId' = ${String(order.id)}`;
      return row.publishedAt ? row : null;
    });
    expect(note.messageId).toBe(outbox!.messageId);
  });

  it("tells the customer when the order is ready; other steps are only audited", async () => {
    const order = await place();
    await auditCount(order.id, 1);

    await t.services.orders.changeStatus(order.id, "baking", staff);
    await auditCount(order.id, 2);
    // The audit row and any notification commit together, so none is coming.
    expect((await notesOf(order.id)).map((n) => n.kind)).toEqual(["order_confirmation"]);

    await t.services.orders.changeStatus(order.id, "ready", staff);
    await auditCount(order.id, 3);
    const ready = (await notesOf(order.id)).filter((n) => n.kind === "order_ready");
    expect(ready).toHaveLength(1);
    expect(ready[0].recipient).toBe(customer.email);
    expect(ready[0].subject).toBe(`Order ${order.code} is ready for pickup`);
    expect(ready[0].body).toContain(order.code);

    await t.services.orders.changeStatus(order.id, "picked_up", staff);
    const audit = await auditCount(order.id, 4);
    expect((await notesOf(order.id)).map((n) => n.kind)).toEqual([
      "order_confirmation",
      "order_ready",
    ]);
    expect(audit.map((a) => [a.action, a.actorId, a.details.from ?? null, a.details.to ?? null]))
      .toEqual([
        ["order.placed", customer.id, null, null],
        ["order.status_changed", staff.id, "placed", "baking"],
        ["order.status_changed", staff.id, "baking", "ready"],
        ["order.status_changed", staff.id, "ready", "picked_up"],
      ]);
  });

  it("tells the customer about a cancellation and its reason", async () => {
    const order = await place();
    await auditCount(order.id, 1);
    await t.services.orders.changeStatus(order.id, "cancelled", customer, {
      reason: "Plans changed",
    });
    const [, audit] = await auditCount(order.id, 2);
    expect(audit.details).toMatchObject({
      from: "placed",
      to: "cancelled",
      reason: "Plans changed",
    });
    const notes = await notesOf(order.id);
    expect(notes.map((n) => n.kind)).toEqual(["order_confirmation", "order_cancelled"]);
    expect(notes[1].subject).toBe(`Order ${order.code} was cancelled`);
    expect(notes[1].body).toContain(`your order ${order.code} was cancelled: Plans changed.`);

    // Staff cancelling without a reason: the notice says so without a dangling colon.
    const other = await place();
    await t.services.orders.changeStatus(other.id, "baking", staff);
    await t.services.orders.changeStatus(other.id, "cancelled", staff);
    await auditCount(other.id, 3);
    const [cancelled] = (await notesOf(other.id)).filter((n) => n.kind === "order_cancelled");
    expect(cancelled.body).toContain(`your order ${other.code} was cancelled. `);
  });

  it("says ready once: a recall or a move back and a second ready sends no second notice", async () => {
    const order = await place();
    await auditCount(order.id, 1);
    const steps: [string, boolean?][] = [
      ["baking"],
      ["ready"],
      ["picked_up"],
      ["ready", true], // recalled: handed out by mistake
      ["baking", true], // moved back: it needs another minute in the oven
      ["ready"],
    ];
    for (const [to, back] of steps) {
      await t.services.orders.changeStatus(order.id, to as "ready", staff, { back });
    }
    const audit = await auditCount(order.id, 1 + steps.length);
    expect(audit.at(-2)!.details).toMatchObject({ from: "ready", to: "baking" });
    expect((await notesOf(order.id)).map((n) => n.kind)).toEqual([
      "order_confirmation",
      "order_ready",
    ]);
    // The rule is the database's, whichever way a second one were recorded.
    await expect(t.sql`
      insert into notifications (message_id, user_id, order_id, kind, recipient, subject, body)
      values (${uniqueId()}, ${customer.id}, ${order.id}, 'order_ready', ${customer.email},
              'Ready again', 'Twice')`).rejects.toThrow();
  });

  it("announces each change once, however often and by however many messages", async () => {
    const order = await place();
    await auditCount(order.id, 1);
    // Two changes committed whose own events have not arrived yet.
    await t.sql`update orders set status = 'ready' where id = ${order.id}`;
    await t.sql`
      insert into order_status_history (order_id, from_status, to_status, actor_id)
      values (${order.id}, 'placed', 'baking', ${staff.id}),
             (${order.id}, 'baking', 'ready', ${staff.id})`;
    const handle = ordersHandler(deps);
    const ready = newMessage("order.status_changed", { orderId: order.id });
    const another = newMessage("order.status_changed", { orderId: order.id });
    await Promise.all([handle(ready, 1), handle(structuredClone(ready), 1), handle(another, 1)]);
    await handle(ready, 2);
    await handle(newMessage("order.placed", { orderId: order.id }), 1);

    const notes = await notesOf(order.id);
    expect(notes.map((n) => n.kind)).toEqual(["order_confirmation", "order_ready"]);
    expect([ready.id, another.id]).toContain(notes[1].messageId);
    expect((await auditOf(order.id)).map((a) => [a.action, a.actorId, a.details.to ?? null]))
      .toEqual([
        ["order.placed", customer.id, null],
        ["order.status_changed", staff.id, "baking"],
        ["order.status_changed", staff.id, "ready"],
      ]);
    const processed = await t.sql`
      select 1 from processed_messages where message_id in (${ready.id}, ${another.id})`;
    expect(processed).toHaveLength(2);
  });

  it("believes nothing a message claims: a forged cancellation sends no notice, audits nothing", async () => {
    const order = await place();
    await auditCount(order.id, 1);
    const admin = await createUser("admin", "Ada Admin");
    const forged = newMessage("order.status_changed", {
      orderId: order.id,
      from: "placed",
      to: "cancelled",
      actorId: admin.id,
      reason: "payment failed, re-pay at https://evil.example/pay",
      ip: "203.0.113.66",
      userAgent: "forger",
    });
    await t.queue.publish(ORDERS_QUEUE, forged);
    await t.queue.publish(ORDERS_QUEUE, newMessage("order.placed", { orderId: order.id }));
    await eventually(async () =>
      (await t.sql`select 1 from processed_messages where message_id = ${forged.id}`).length === 1
    );

    // At most a re-check: nothing new was announced, the order is as it was.
    const notes = await notesOf(order.id);
    expect(notes.map((n) => n.kind)).toEqual(["order_confirmation"]);
    expect(notes.some((n) => n.body.includes("evil.example"))).toBe(false);
    const audit = await auditOf(order.id);
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([["order.placed", customer.id]]);
    const [row] = await t.sql<
      { status: string }[]
    >`select status from orders where id = ${order.id}`;
    expect(row.status).toBe("placed");
    expect(
      await t.sql`select 1 from audit_log where actor_id = ${admin.id} or ip = '203.0.113.66'`,
    ).toHaveLength(0);

    // The real cancellation afterwards is announced as it happened, with its own reason.
    await t.services.orders.changeStatus(order.id, "cancelled", customer, {
      reason: "Plans changed",
      meta: { ip: "198.51.100.4", userAgent: "Customer's phone" },
    });
    const [, cancelled] = await auditCount(order.id, 2);
    expect(cancelled).toMatchObject({
      actorId: customer.id,
      details: { from: "placed", to: "cancelled", reason: "Plans changed" },
    });
    const [note] = (await notesOf(order.id)).filter((n) => n.kind === "order_cancelled");
    expect(note.body).toContain("was cancelled: Plans changed.");
    const [where] = await t.sql<{ ip: string; userAgent: string }[]>`
      select ip, user_agent from audit_log
      where entity_type = 'order' and entity_id = ${String(order.id)}
        and action = 'order.status_changed'`;
    expect(where).toEqual({ ip: "198.51.100.4", userAgent: "Customer's phone" });
  });

  it("throws on what it cannot handle, leaving the message retryable", async () => {
    const handle = ordersHandler(deps);
    const order = await place();
    await auditCount(order.id, 1);
    const unknown = newMessage("order.eaten", { orderId: order.id });
    await expect(handle(unknown, 1)).rejects.toThrow(/cannot handle messages of type order\.eaten/);
    const missing = newMessage("order.placed", { orderId: 2_000_000_000 });
    await expect(handle(missing, 1)).rejects.toThrow(/order 2000000000 does not exist/);
    const missingChange = newMessage("order.status_changed", {
      orderId: 2_000_000_000,
      from: "placed",
      to: "baking",
      actorId: null,
    });
    await expect(handle(missingChange, 1)).rejects.toThrow(/does not exist/);
    const invalid = newMessage("order.status_changed", { orderId: "one", to: "eaten" });
    await expect(handle(invalid, 1)).rejects.toThrow();

    const ids = [unknown.id, missing.id, missingChange.id, invalid.id];
    expect(await t.sql`select 1 from processed_messages where message_id in ${t.sql(ids)}`)
      .toHaveLength(0);
    expect(await t.sql`select 1 from notifications where message_id in ${t.sql(ids)}`)
      .toHaveLength(0);
    expect((await auditOf(order.id)).map((a) => a.action)).toEqual(["order.placed"]);
  });

  it("dead-letters an order event for an order that does not exist", async () => {
    const missing = newMessage("order.placed", { orderId: 2_000_000_001 });
    await t.queue.publish(ORDERS_QUEUE, missing);
    const dead = await eventually(async () => {
      const taken = await t.queue.takeDeadLetters(ORDERS_QUEUE, 10);
      return taken.length ? taken : null;
    }, { timeoutMs: 15_000, intervalMs: 50 });
    expect(dead!.map((m) => m.id)).toEqual([missing.id]);
    expect(await t.sql`select 1 from processed_messages where message_id = ${missing.id}`)
      .toHaveLength(0);
  });
});
