import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, eventually, type TestContext } from "../../tests/harness.ts";
import { type Person, person, productsWithStock } from "../../tests/orders-support.ts";
import { ensureCoupon } from "../coupons/queries.ts";
import type { JobMessage, Queue } from "../infra/queue.ts";
import { silentLogger } from "../infra/log.ts";
import { createOutboxRelay, type OutboxRelay } from "../outbox/relay.ts";
import { ORDERS_QUEUE } from "../outbox/outbox.ts";
import { changeOrderStatus } from "./lifecycle.ts";
import { placeOrder, type PlaceOrderInput } from "./place.ts";

/** Events leave only after their transaction commits, and leave exactly once, in order. */

interface OutboxRow {
  id: number;
  messageId: string;
  queue: string;
  type: string;
  payload: Record<string, unknown>;
  publishedAt: Date | null;
  claimedUntil: Date | null;
  attempts: number;
  lastError: string | null;
}

let t: TestContext;
let who: Person;
let productId: number;
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  t = await createTestContext({ seed: true });
  // The app's own relay would publish behind the tests' backs: these tests run their own.
  await t.services.relay.stop();
  who = await person(t);
  [{ id: productId }] = await productsWithStock(t, [1000]);
});
afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await t?.close();
});

const deps = () => ({
  sql: t.sql,
  currency: "EUR",
  shopDay: () => "2032-01-01",
  now: () => new Date(),
  money: (cents: number) => `€${cents / 100}`,
  date: (at: Date) => at.toISOString(),
  rules: {
    timeZone: t.deps.config.timeZone,
    prepMinutes: 0,
    words: t.services.words,
  },
});
const place = (changes: Partial<PlaceOrderInput> = {}) =>
  placeOrder(deps(), {
    userId: who.id,
    items: [{ productId, quantity: 1 }],
    pickup: "asap",
    ...changes,
  });

const outbox = () => t.sql<OutboxRow[]>`select * from outbox order by id`;
const pending = () =>
  t.sql<OutboxRow[]>`select * from outbox where published_at is null order by id`;

/** The test queue, refusing while `refusing` is set, recording what it accepted. */
function recordingQueue() {
  const state = { refusing: false, published: [] as JobMessage[], refused: 0 };
  const queue: Queue = {
    ...t.queue,
    kind: t.queue.kind,
    async publish(name, message) {
      if (state.refusing) {
        state.refused++;
        throw new Error("broker away");
      }
      await t.queue.publish(name, message);
      state.published.push(message);
    },
    close: () => Promise.resolve(),
  };
  return { queue, state };
}

function relayOn(queue: Queue) {
  const relay = createOutboxRelay({ sql: t.sql, queue, log: silentLogger, pollMs: 60_000 });
  relays.push(relay);
  return relay;
}

describe("writing events", () => {
  it("an order writes exactly one order.placed row in its own transaction", async () => {
    const before = (await outbox()).length;
    const { order } = await place();
    const rows = (await outbox()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      queue: ORDERS_QUEUE,
      type: "order.placed",
      payload: { orderId: order.id },
      publishedAt: null,
      attempts: 0,
      lastError: null,
    });
    expect(rows[0].messageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("an order that rolls back writes none", async () => {
    await ensureCoupon(t.sql, {
      code: "NEVERYET",
      kind: "percent",
      amount: 10,
      validFrom: new Date("2099-01-01"),
    });
    const before = await outbox();
    await expect(
      place({ items: [{ productId, quantity: 99 }, { productId: 999_999, quantity: 1 }] }),
    )
      .rejects.toMatchObject({ code: "insufficient_stock" });
    await expect(place({ couponCode: "NEVERYET" })).rejects.toMatchObject({
      code: "coupon_refused",
    });
    expect(await outbox()).toEqual(before);
  });

  it("a status change writes one order.status_changed row; a refused one writes none", async () => {
    const staff = await person(t, "staff");
    const { order } = await place();
    const before = (await outbox()).length;
    await changeOrderStatus(t.sql, {
      orderId: order.id,
      to: "baking",
      actor: { id: staff.id, role: "staff" },
    });
    await expect(
      changeOrderStatus(t.sql, {
        orderId: order.id,
        to: "placed",
        actor: { id: staff.id, role: "staff" },
      }),
    ).rejects.toMatchObject({ code: "illegal_transition" });
    const rows = (await outbox()).slice(before);
    expect(rows.map((r) => [r.type, r.payload])).toEqual([
      [
        "order.status_changed",
        // Only the id: what changed is read from the history, never from the message.
        { orderId: order.id },
      ],
    ]);
  });
});

describe("publishing", () => {
  it("keeps rows while the queue refuses, then publishes them all in id order, once each", async () => {
    const { queue, state } = recordingQueue();
    const relay = relayOn(queue);
    for (let i = 0; i < 5; i++) await place();
    const waiting = await pending();
    expect(waiting.length).toBeGreaterThanOrEqual(5);
    const head = waiting[0].id;

    state.refusing = true;
    let attempts = 0;
    for (let round = 1; round <= 3; round++) {
      await relay.kick();
      const [first, ...rest] = await pending();
      expect(first.id).toBe(head);
      expect(first.attempts).toBeGreaterThan(attempts);
      attempts = first.attempts;
      expect(first.lastError).toBe("broker away");
      expect(first.claimedUntil).toBeNull();
      expect(rest.map((r) => r.id)).toEqual(waiting.slice(1).map((r) => r.id));
      for (const row of rest) expect(row.claimedUntil).toBeNull();
    }
    expect(state.published).toEqual([]);
    expect(await pending()).toHaveLength(waiting.length);

    state.refusing = false;
    const delivered: string[] = [];
    const consumer = await t.queue.consume(ORDERS_QUEUE, (message) => {
      delivered.push(message.id);
      return Promise.resolve();
    });
    try {
      await relay.kick();
      await eventually(async () => (await pending()).length === 0);
      const rows = (await outbox()).filter((r) => r.id >= head);
      expect(state.published.map((m) => m.id)).toEqual(rows.map((r) => r.messageId));
      expect(state.published.map((m) => m.type)).toEqual(rows.map((r) => r.type));
      for (const row of rows) {
        expect(row.publishedAt).toBeInstanceOf(Date);
        expect(row.claimedUntil).toBeNull();
      }
      await eventually(() => delivered.length >= rows.length);
      expect(new Set(delivered)).toEqual(new Set(rows.map((r) => r.messageId)));
    } finally {
      await consumer.stop();
      await relay.stop();
    }
  });

  it("two relays side by side publish each row once", async () => {
    const { queue, state } = recordingQueue();
    const [a, b] = [relayOn(queue), relayOn(queue)];
    for (let i = 0; i < 40; i++) await place();
    const waiting = await pending();
    expect(waiting.length).toBeGreaterThanOrEqual(40);

    await Promise.all([a.kick(), b.kick(), a.kick(), b.kick()]);
    await eventually(async () => (await pending()).length === 0);
    const ids = state.published.map((m) => m.id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(waiting.map((r) => r.messageId)));
    const [{ attempts }] = await t.sql<{ attempts: number }[]>`
      select max(attempts)::int as attempts from outbox where id >= ${waiting[0].id}`;
    expect(attempts).toBe(1);
    await Promise.all([a.stop(), b.stop()]);
  });
});
