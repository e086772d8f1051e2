import { connect as amqpConnect } from "amqplib";
import { describe, expect, it } from "vitest";
import { insertUser } from "../../src/accounts/queries.ts";
import { silentLogger } from "../../src/infra/log.ts";
import {
  DEFAULT_MAX_ATTEMPTS,
  type JobHandler,
  newMessage,
  type Queue,
  QueueUnavailableError,
} from "../../src/infra/queue.ts";
import { openQueue } from "../../src/infra/open-queue.ts";
import { ORDERS_QUEUE, USERS_QUEUE } from "../../src/outbox/outbox.ts";
import { createOutboxRelay } from "../../src/outbox/relay.ts";
import { ANALYTICS_QUEUE } from "../../src/jobs/names.ts";
import {
  startConsumers,
  stopConsumers,
  type WorkerDeps,
  workerDeps,
} from "../../worker/handlers/index.ts";
import { ordersHandler } from "../../worker/handlers/orders.ts";
import {
  createTestContext,
  eventually,
  gate,
  rejectsWith,
  type TestContext,
  uniqueId,
} from "../harness.ts";
import { proxied } from "../tcp-proxy.ts";

/** Messages waiting in a prefix's work, retry and dead-letter queues, read directly. */
async function depth(url: string, prefix: string, queue: string): Promise<number[]> {
  const connection = await amqpConnect(url);
  try {
    const channel = await connection.createChannel();
    const counts: number[] = [];
    for (const name of [queue, `${queue}.retry`, `${queue}.dead`]) {
      counts.push((await channel.checkQueue(prefix + name)).messageCount);
    }
    return counts;
  } finally {
    await connection.close();
  }
}

/** Removes a test's durable queues from the broker. */
async function dropQueues(url: string, prefix: string) {
  const connection = await amqpConnect(url);
  try {
    const channel = await connection.createChannel();
    for (const queue of [ORDERS_QUEUE, USERS_QUEUE, ANALYTICS_QUEUE]) {
      for (const name of [queue, `${queue}.retry`, `${queue}.dead`]) {
        await channel.deleteQueue(prefix + name);
      }
    }
  } finally {
    await connection.close();
  }
}

/** Each scenario builds its own shop (a database, migrations, the demo catalog) inside it. */
const SHOP_TEST_MS = 120_000;

// ---------------------------------------------------------------------------------------
// The pipeline: an app context (orders, outbox) and the worker's handlers on given queues.

interface Pipeline {
  t: TestContext;
  deps: WorkerDeps;
  customerId: number;
  place(): Promise<{ id: number; code: string }>;
  /** The order confirmations written for an order. */
  confirmations(orderId: number): Promise<{ messageId: string }[]>;
  close(): Promise<void>;
}

async function pipeline(queue: Queue): Promise<Pipeline> {
  const t = await createTestContext({ seed: true, queue });
  const deps = workerDeps(t.deps.config, { sql: t.sql, queue, log: silentLogger });
  const email = `fault-${uniqueId()}@example.test`;
  const user = await insertUser(t.sql, { email, name: "Fay Fault", passwordHash: "not-a-hash" });
  const [product] = await t.sql<{ id: number }[]>`
    select id from products where active and stock >= 20 order by id limit 1`;
  return {
    t,
    deps,
    customerId: user!.id,
    place: async () =>
      (await t.services.orders.place({
        userId: user!.id,
        items: [{ productId: product.id, quantity: 1 }],
      })).order,
    confirmations: (orderId) =>
      t.sql<{ messageId: string }[]>`
        select message_id from notifications
        where order_id = ${orderId} and kind = 'order_confirmation'`,
    close: () => t.close(),
  };
}

/** Waits until every order has its confirmation, failing at once on a second one. */
async function confirmedOnce(p: Pipeline, orderIds: number[], timeoutMs = 5000) {
  await eventually(async () => {
    let done = 0;
    for (const id of orderIds) {
      const found = (await p.confirmations(id)).length;
      if (found > 1) throw new Error(`order ${id} was confirmed ${found} times`);
      done += found;
    }
    return done === orderIds.length;
  }, { timeoutMs, intervalMs: 25 });
}

// ---------------------------------------------------------------------------------------
// Scenarios, each run on RabbitMQ (when AMQP_URL is set) and on the embedded queue.

/**
 * The broker goes away, orders are placed all the same (their events wait in the outbox),
 * the relay backs off while refused, and after the broker returns each event is delivered
 * and each confirmation written exactly once.
 */
async function brokerAway(
  queue: Queue,
  outage: { begin(): Promise<void>; end(): Promise<void> },
) {
  const p = await pipeline(queue);
  // The app's own relay would wait up to 30 s between tries: this one backs off to 100 ms.
  await p.t.services.relay.stop();
  const relay = createOutboxRelay({
    sql: p.t.sql,
    queue,
    log: silentLogger,
    pollMs: 50,
    maxBackoffMs: 100,
  });
  const consumers = await startConsumers(p.deps);
  try {
    relay.start();
    const before = await p.place();
    await confirmedOnce(p, [before.id]);

    await outage.begin();
    const during = [];
    for (let i = 0; i < 5; i++) during.push(await p.place());
    // The relay was refused, more than once, and kept every event.
    await eventually(async () => {
      const [pending] = await p.t.sql<{ rows: number; tries: number; error: string | null }[]>`
        select count(*)::int as rows, max(attempts)::int as tries, max(last_error) as error
        from outbox where published_at is null`;
      return pending.rows === 5 && pending.tries >= 2 && pending.error !== null;
    }, { timeoutMs: 10_000 });
    for (const order of during) expect(await p.confirmations(order.id)).toHaveLength(0);

    await outage.end();
    await confirmedOnce(p, during.map((o) => o.id), 30_000);
    const after = await p.place();
    await confirmedOnce(p, [after.id]);

    // The relay marks a row published after the broker's confirm: maybe after its consumer.
    const outbox = await eventually(async () => {
      const [counts] = await p.t.sql<{ pending: number; published: number }[]>`
        select count(*) filter (where published_at is null)::int as pending,
               count(*) filter (where published_at is not null)::int as published from outbox`;
      return counts.pending === 0 ? counts : null;
    });
    expect(outbox).toEqual({ pending: 0, published: 7 });
    const [{ notes, distinct }] = await p.t.sql<{ notes: number; distinct: number }[]>`
      select count(*)::int as notes, count(distinct order_id)::int as distinct
      from notifications where user_id = ${p.customerId}`;
    expect({ notes, distinct }).toEqual({ notes: 7, distinct: 7 });
  } finally {
    await relay.stop();
    await stopConsumers(consumers);
    await p.close();
  }
}

/**
 * The worker's transaction committed but its acknowledgement never reached the queue (it
 * died in between): the queue delivers the message again and nothing is written twice.
 */
async function ackLostAfterCommit(queue: Queue) {
  const p = await pipeline(queue);
  const real = ordersHandler(p.deps);
  const attempts: number[] = [];
  const crashing: JobHandler = async (message, attempt) => {
    await real(message, attempt);
    attempts.push(attempt);
    if (attempts.length === 1) throw new Error("worker died before the ack");
  };
  const consumer = await queue.consume(ORDERS_QUEUE, crashing, { prefetch: 1 });
  try {
    const order = await p.place();
    await eventually(() => attempts.length === 2);
    expect(attempts).toEqual([1, 2]);
    const notes = await p.confirmations(order.id);
    expect(notes).toHaveLength(1);
    const audit = await p.t.sql`
      select 1 from audit_log where action = 'order.placed' and entity_id = ${String(order.id)}`;
    expect(audit).toHaveLength(1);
  } finally {
    await consumer.stop();
    await p.close();
  }
  expect(await queue.takeDeadLetters(ORDERS_QUEUE, 10)).toEqual([]);
}

/**
 * A message no handler can take (an order that does not exist) is tried maxAttempts times,
 * lands in the dead letters, and is never handled again; the queue keeps working.
 */
async function poisonMessage(queue: Queue) {
  const p = await pipeline(queue);
  const real = ordersHandler(p.deps);
  const seen: [string, number][] = [];
  const consumer = await queue.consume(ORDERS_QUEUE, async (message, attempt) => {
    seen.push([message.id, attempt]);
    await real(message, attempt);
  });
  try {
    const poison = newMessage("order.placed", { orderId: 2_000_000_000 });
    await queue.publish(ORDERS_QUEUE, poison);
    const dead = await eventually(async () => {
      const taken = await queue.takeDeadLetters(ORDERS_QUEUE, 10);
      return taken.length ? taken : null;
    }, { timeoutMs: 15_000, intervalMs: 25 });
    expect(dead!.map((m) => m.id)).toEqual([poison.id]);
    const tries = () => seen.filter(([id]) => id === poison.id).map(([, attempt]) => attempt);
    expect(tries()).toEqual(Array.from({ length: DEFAULT_MAX_ATTEMPTS }, (_, i) => i + 1));

    // The consumer goes on with good messages, and the poison never comes back.
    const order = await p.place();
    await confirmedOnce(p, [order.id]);
    const more = await p.place();
    await confirmedOnce(p, [more.id]);
    expect(tries()).toHaveLength(DEFAULT_MAX_ATTEMPTS);
    expect(await p.t.sql`select 1 from processed_messages where message_id = ${poison.id}`)
      .toHaveLength(0);
    expect(await queue.takeDeadLetters(ORDERS_QUEUE, 10)).toEqual([]);
  } finally {
    await consumer.stop();
    await p.close();
  }
}

// ---------------------------------------------------------------------------------------

const amqpUrl = process.env.AMQP_URL;
if (amqpUrl) {
  describe("job pipeline on RabbitMQ under faults", () => {
    it("delivers every event of orders placed while the broker was unreachable, once", async () => {
      const prefix = `test.${uniqueId()}.`;
      const { proxy, url } = await proxied(amqpUrl, 5672);
      const queue = await openQueue({ url, prefix, log: silentLogger, retryDelayMs: () => 20 });
      try {
        await brokerAway(queue, {
          begin: async () => {
            await proxy.refuse(true);
            proxy.cut();
            await eventually(() => rejectsWith(() => queue.ping(), QueueUnavailableError));
          },
          end: () => proxy.refuse(false),
        });
        expect(await depth(amqpUrl, prefix, ORDERS_QUEUE)).toEqual([0, 0, 0]);
      } finally {
        await queue.close();
        await proxy.close();
        await dropQueues(amqpUrl, prefix);
      }
    }, SHOP_TEST_MS);

    for (const when of ["before", "after"] as const) {
      it(`hands a message held by a worker that lost its connection (${when} its commit) to another worker`, async () => {
        const prefix = `test.${uniqueId()}.`;
        const { proxy, url } = await proxied(amqpUrl, 5672);
        // The app publishes on a direct connection; the first worker sits behind the proxy.
        const direct = await openQueue({
          url: amqpUrl,
          prefix,
          log: silentLogger,
          retryDelayMs: () => 20,
        });
        const first = await openQueue({ url, prefix, log: silentLogger, retryDelayMs: () => 20 });
        const p = await pipeline(direct);
        try {
          const real = ordersHandler(p.deps);
          const hold = gate();
          const held: Promise<void>[] = [];
          const firstSaw: number[] = [];
          const firstWorker = await first.consume(ORDERS_QUEUE, (message, attempt) => {
            firstSaw.push(attempt);
            const run = (async () => {
              if (when === "before") await hold.closed;
              await real(message, attempt);
              if (when === "after") await hold.closed;
            })();
            held.push(run);
            return run;
          }, { prefetch: 1 });

          const order = await p.place();
          await eventually(() => firstSaw.length === 1);
          if (when === "after") {
            // Committed: the notification is there, the ack is not sent yet.
            await eventually(async () => (await p.confirmations(order.id)).length === 1);
          }
          await proxy.refuse(true);
          proxy.cut(); // the first worker is gone, its message unacknowledged
          await eventually(() => rejectsWith(() => first.ping(), QueueUnavailableError));

          const secondSaw: number[] = [];
          const second = ordersHandler(p.deps);
          const secondWorker = await direct.consume(ORDERS_QUEUE, async (message, attempt) => {
            secondSaw.push(attempt);
            await second(message, attempt);
          }, { prefetch: 1 });
          await eventually(() => secondSaw.length === 1, { timeoutMs: 10_000 });
          await confirmedOnce(p, [order.id]);

          // The first worker wakes up late: its work is a no-op, its ack goes nowhere.
          hold.open();
          await Promise.all(held);
          await firstWorker.stop();
          await secondWorker.stop();
          expect(firstSaw).toEqual([1]);
          expect(secondSaw).toEqual([1]);
          expect(await p.confirmations(order.id)).toHaveLength(1);
          const audit = await p.t.sql`
            select 1 from audit_log where action = 'order.placed' and entity_id = ${
            String(order.id)
          }`;
          expect(audit).toHaveLength(1);
          expect(await depth(amqpUrl, prefix, ORDERS_QUEUE)).toEqual([0, 0, 0]);
        } finally {
          await p.close();
          await first.close();
          await direct.close();
          await proxy.close();
          await dropQueues(amqpUrl, prefix);
        }
      });
    }

    it("writes nothing twice when the ack is lost after the commit", async () => {
      const prefix = `test.${uniqueId()}.`;
      const queue = await openQueue({
        url: amqpUrl,
        prefix,
        log: silentLogger,
        retryDelayMs: () => 20,
      });
      try {
        await ackLostAfterCommit(queue);
        expect(await depth(amqpUrl, prefix, ORDERS_QUEUE)).toEqual([0, 0, 0]);
      } finally {
        await queue.close();
        await dropQueues(amqpUrl, prefix);
      }
    }, SHOP_TEST_MS);

    it("dead-letters a poison message after maxAttempts and never handles it again", async () => {
      const prefix = `test.${uniqueId()}.`;
      const queue = await openQueue({
        url: amqpUrl,
        prefix,
        log: silentLogger,
        retryDelayMs: () => 20,
      });
      try {
        await poisonMessage(queue);
        expect(await depth(amqpUrl, prefix, ORDERS_QUEUE)).toEqual([0, 0, 0]);
      } finally {
        await queue.close();
        await dropQueues(amqpUrl, prefix);
      }
    }, SHOP_TEST_MS);
  });
}

describe("job pipeline on the embedded queue under faults", () => {
  const memoryQueue = () =>
    openQueue({ prefix: `test.${uniqueId()}.`, log: silentLogger, retryDelayMs: () => 20 });

  it("delivers every event of orders placed while the queue refused them, once", async () => {
    const inner = await memoryQueue();
    let down = false;
    // The embedded queue cannot lose a network: this one refuses to publish instead.
    const queue: Queue = {
      ...inner,
      publish: (name, message) =>
        down
          ? Promise.reject(new QueueUnavailableError("the queue is away"))
          : inner.publish(name, message),
      ping: () => down ? Promise.reject(new QueueUnavailableError("away")) : inner.ping(),
    };
    try {
      await brokerAway(queue, {
        begin: () => Promise.resolve(void (down = true)),
        end: () => Promise.resolve(void (down = false)),
      });
    } finally {
      await inner.close();
    }
  }, SHOP_TEST_MS);

  it("writes nothing twice when the ack is lost after the commit", async () => {
    const queue = await memoryQueue();
    try {
      await ackLostAfterCommit(queue);
    } finally {
      await queue.close();
    }
  }, SHOP_TEST_MS);

  it("dead-letters a poison message after maxAttempts and never handles it again", async () => {
    const queue = await memoryQueue();
    try {
      await poisonMessage(queue);
    } finally {
      await queue.close();
    }
  }, SHOP_TEST_MS);
});
