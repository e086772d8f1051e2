import { Buffer } from "node:buffer";
import { connect } from "amqplib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestQueue, eventually, gate, uniqueId } from "../../tests/harness.ts";
import { silentLogger } from "./log.ts";
import {
  type ConsumeOptions,
  type Consumer,
  type JobHandler,
  type JobMessage,
  newMessage,
  type Queue,
} from "./queue.ts";
import { openQueue } from "./open-queue.ts";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour every Queue must have, whatever is behind it. */
function queueContract(label: string, open: (retryDelayMs?: number) => Promise<Queue>) {
  describe(`Queue contract: ${label}`, () => {
    let queue: Queue;
    const consumers: Consumer[] = [];
    const consume = async (name: string, handler: JobHandler, options?: ConsumeOptions) => {
      const consumer = await queue.consume(name, handler, options);
      consumers.push(consumer);
      return consumer;
    };
    beforeEach(async () => {
      queue = await open();
    });
    afterEach(async () => {
      for (const consumer of consumers.splice(0)) await consumer.stop();
      await queue.close();
    });

    /** Publishes a marker and waits until `seen` (filled by a handler) holds it. */
    const roundTrip = async (name: string, seen: () => string[]) => {
      const sentinel = newMessage("sentinel", {});
      await queue.publish(name, sentinel);
      await eventually(() => seen().includes(sentinel.id));
      return sentinel.id;
    };

    it("delivers a published message once, with id, type and payload intact", async () => {
      const message = newMessage("order.placed", {
        orderId: 42,
        lines: [{ sku: "croissant", quantity: 2 }],
        note: "sans gluten, s'il vous plaît 🥐",
        gift: false,
        coupon: null,
      });
      const expected = structuredClone(message);
      await queue.publish("jobs", message);
      // The queue holds its own copy: later changes by the publisher do not travel.
      message.payload.orderId = -1;

      const got: [JobMessage, number][] = [];
      await consume("jobs", (m, attempt) => {
        got.push([m, attempt]);
        return Promise.resolve();
      }, { prefetch: 1 });
      const sentinel = await roundTrip("jobs", () => got.map(([m]) => m.id));
      expect(got).toHaveLength(2);
      expect(got[0]).toEqual([expected, 1]);
      expect(got[1][0].id).toBe(sentinel);
    });

    it("keeps messages published before a consumer attaches and delivers them then", async () => {
      const published = [newMessage("a", { n: 1 }), newMessage("b", { n: 2 }), newMessage("c", {})];
      for (const message of published) await queue.publish("early", message);
      const got: JobMessage[] = [];
      await consume("early", (m) => {
        got.push(m);
        return Promise.resolve();
      });
      await eventually(() => got.length === 3);
      expect(got.map((m) => m.id).sort()).toEqual(published.map((m) => m.id).sort());
    });

    it("keeps queues apart", async () => {
      const a: string[] = [];
      const b: string[] = [];
      await consume("left", (m) => Promise.resolve(void a.push(m.id)));
      await consume("right", (m) => Promise.resolve(void b.push(m.id)));
      const toLeft = newMessage("x", {});
      await queue.publish("left", toLeft);
      await roundTrip("right", () => b);
      await eventually(() => a.length === 1);
      expect(a).toEqual([toLeft.id]);
      expect(b).toHaveLength(1);
    });

    it("retries a failing handler and acks once it succeeds (attempts 1, 2, 3)", async () => {
      const message = newMessage("flaky", { n: 1 });
      const attempts: number[] = [];
      const seen: string[] = [];
      const consumer = await consume("flaky", (m, attempt) => {
        seen.push(m.id);
        if (m.id !== message.id) return Promise.resolve();
        attempts.push(attempt);
        return attempt < 3 ? Promise.reject(new Error(`fail ${attempt}`)) : Promise.resolve();
      }, { maxAttempts: 5, prefetch: 1 });
      await queue.publish("flaky", message);
      await eventually(() => attempts.length === 3);
      expect(attempts).toEqual([1, 2, 3]);

      // Acked: a fresh consumer on the queue gets the next message, not this one again.
      await consumer.stop();
      const after: string[] = [];
      await consume("flaky", (m) => Promise.resolve(void after.push(m.id)), { prefetch: 1 });
      const sentinel = await roundTrip("flaky", () => after);
      expect(after).toEqual([sentinel]);
      expect(attempts).toEqual([1, 2, 3]);
      expect(await queue.takeDeadLetters("flaky", 10)).toEqual([]);
    });

    it("dead-letters a message that always fails after maxAttempts, and never delivers it again", async () => {
      const poison = newMessage("poison", { reason: "always" });
      const attempts: number[] = [];
      const seen: string[] = [];
      await consume("poison", (m, attempt) => {
        seen.push(m.id);
        if (m.id !== poison.id) return Promise.resolve();
        attempts.push(attempt);
        return Promise.reject(new Error("cannot ever work"));
      }, { maxAttempts: 3, prefetch: 1 });
      await queue.publish("poison", poison);

      const dead: JobMessage[] = [];
      await eventually(async () => {
        dead.push(...await queue.takeDeadLetters("poison", 10));
        return dead.length > 0;
      });
      expect(dead).toEqual([poison]);
      expect(attempts).toEqual([1, 2, 3]);

      await roundTrip("poison", () => seen);
      expect(attempts).toEqual([1, 2, 3]);
      expect(seen.filter((id) => id === poison.id)).toHaveLength(3);
      // Taken means gone.
      expect(await queue.takeDeadLetters("poison", 10)).toEqual([]);
    });

    it("counts waiting, retrying and dead-lettered jobs per queue", async () => {
      expect(await queue.stats("counted")).toEqual({ waiting: 0, retrying: 0, dead: 0 });
      for (let n = 0; n < 3; n++) await queue.publish("counted", newMessage("w", { n }));
      await eventually(async () => (await queue.stats("counted")).waiting === 3);
      expect(await queue.stats("counted")).toEqual({ waiting: 3, retrying: 0, dead: 0 });
      expect(await queue.stats("elsewhere")).toEqual({ waiting: 0, retrying: 0, dead: 0 });

      // A queue whose retries wait long: a failed job stays in retry while it is counted.
      const slow = await open(60_000);
      try {
        const failed: string[] = [];
        const consumer = await slow.consume("slow", (m, attempt) => {
          failed.push(`${m.type}:${attempt}`);
          return Promise.reject(new Error(m.type === "last" ? "gives up" : "try later"));
        }, { maxAttempts: 2 });
        await slow.publish("slow", newMessage("first", {}));
        await eventually(async () => (await slow.stats("slow")).retrying === 1);
        await consumer.stop();
        expect(await slow.stats("slow")).toEqual({ waiting: 0, retrying: 1, dead: 0 });
        expect(failed).toEqual(["first:1"]);
      } finally {
        await slow.close();
      }
    });

    it("shows dead letters with their attempts and last error, and leaves them in place", async () => {
      const poison = [newMessage("p", { n: 1 }), newMessage("p", { n: 2 })];
      await consume(
        "shown",
        (m, attempt) =>
          Promise.reject(new Error(`oven ${m.payload.n} is cold (attempt ${attempt})`)),
        {
          maxAttempts: 2,
        },
      );
      for (const message of poison) await queue.publish("shown", message);
      await eventually(async () => (await queue.stats("shown")).dead === 2);
      const shown = await queue.peekDeadLetters("shown", 10);
      expect(shown.map((d) => d.message).sort((a, b) => +a.payload.n! - +b.payload.n!))
        .toEqual(poison);
      for (const dead of shown) {
        expect(dead.attempts).toBe(2);
        expect(dead.lastError).toBe(`oven ${dead.message.payload.n} is cold (attempt 2)`);
        expect(Date.parse(dead.deadAt!)).toBeGreaterThan(Date.now() - 60_000);
      }
      expect(await queue.peekDeadLetters("shown", 1)).toHaveLength(1);
      // Looking took nothing away.
      expect((await queue.stats("shown")).dead).toBe(2);
      expect(await queue.peekDeadLetters("shown", 10)).toHaveLength(2);
    });

    it("retries a dead letter with fresh attempts, and discards another, each once", async () => {
      const [first, second, third] = [1, 2, 3].map((n) => newMessage("d", { n }));
      let healthy = false;
      const handled: [string, number][] = [];
      await consume("revive", (m, attempt) => {
        if (!healthy) return Promise.reject(new Error("the mill is down"));
        handled.push([m.id, attempt]);
        return Promise.resolve();
      }, { maxAttempts: 1 });
      for (const message of [first, second, third]) await queue.publish("revive", message);
      await eventually(async () => (await queue.stats("revive")).dead === 3);
      healthy = true;

      expect(await queue.retryDeadLetter("revive", second.id)).toMatchObject({
        message: second,
        attempts: 1,
        lastError: "the mill is down",
      });
      await eventually(() => handled.length === 1);
      expect(handled).toEqual([[second.id, 1]]);
      expect(await queue.retryDeadLetter("revive", second.id)).toBeUndefined();

      expect((await queue.discardDeadLetter("revive", first.id))?.message).toEqual(first);
      expect(await queue.discardDeadLetter("revive", first.id)).toBeUndefined();
      expect(await queue.discardDeadLetter("revive", "no-such-id")).toBeUndefined();

      const left = await queue.peekDeadLetters("revive", 10);
      expect(left.map((d) => d.message.id)).toEqual([third.id]);
      expect((await queue.stats("revive")).dead).toBe(1);
      expect(handled).toEqual([[second.id, 1]]);
    });

    it("takeDeadLetters returns at most `max` per call", async () => {
      const poison = [newMessage("p", { n: 1 }), newMessage("p", { n: 2 }), newMessage("p", {})];
      let failures = 0;
      await consume("capped", () => {
        failures++;
        return Promise.reject(new Error("no"));
      }, { maxAttempts: 1 });
      for (const message of poison) await queue.publish("capped", message);
      await eventually(() => failures === 3);
      const taken: JobMessage[][] = [];
      await eventually(async () => {
        taken.push(await queue.takeDeadLetters("capped", 2));
        return taken.flat().length === 3;
      });
      for (const batch of taken) expect(batch.length).toBeLessThanOrEqual(2);
      expect(taken.flat().map((m) => m.id).sort()).toEqual(poison.map((m) => m.id).sort());
      expect(await queue.takeDeadLetters("nothing-here", 5)).toEqual([]);
    });

    for (const prefetch of [1, 3]) {
      it(`runs at most prefetch=${prefetch} handlers at once, and that many when work waits`, async () => {
        const published = Array.from({ length: 6 }, (_, n) => newMessage("work", { n }));
        for (const message of published) await queue.publish("busy", message);
        let active = 0;
        let most = 0;
        const done: string[] = [];
        await consume("busy", async (m) => {
          active++;
          most = Math.max(most, active);
          await delay(30); // the work itself
          active--;
          done.push(m.id);
        }, { prefetch });
        await eventually(() => done.length === 6);
        expect(most).toBe(prefetch);
      });
    }

    it("stop() waits for the handler in flight and takes no new message meanwhile", async () => {
      const hold = gate();
      const first = newMessage("slow", {});
      const handled: string[] = [];
      const events: string[] = [];
      await queue.publish("stopping", first);
      const consumer = await queue.consume("stopping", async (m) => {
        handled.push(m.id);
        if (m.id === first.id) {
          await hold.closed;
          events.push("handler finished");
        }
      }, { prefetch: 5 });
      await eventually(() => handled.length === 1);

      const stopping = consumer.stop().then(() => events.push("stopped"));
      const later = newMessage("later", {});
      await queue.publish("stopping", later);
      const early = await Promise.race([
        stopping.then(() => "stopped"),
        delay(200).then(() => "still waiting"),
      ]);
      expect(early).toBe("still waiting");
      hold.open();
      await stopping;
      expect(events).toEqual(["handler finished", "stopped"]);
      expect(handled).toEqual([first.id]);

      // The finished message was acked; the one published during stop() waits for the next.
      const after: string[] = [];
      await consume("stopping", (m) => Promise.resolve(void after.push(m.id)), { prefetch: 1 });
      await eventually(() => after.includes(later.id));
      expect(after).toEqual([later.id]);
    });

    it("stop() is idempotent and never stops a later consumer", async () => {
      const old = await queue.consume("reused", () => Promise.resolve());
      await old.stop();
      const got: string[] = [];
      await consume("reused", (m) => Promise.resolve(void got.push(m.id)));
      await old.stop();
      const message = newMessage("still consumed", {});
      await queue.publish("reused", message);
      await eventually(() => got.length === 1);
      expect(got).toEqual([message.id]);
    });

    it("refuses to publish and reports unhealthy once closed", async () => {
      await expect(queue.ping()).resolves.toBeUndefined();
      await queue.close();
      await expect(queue.publish("jobs", newMessage("late", {}))).rejects.toThrow();
      await expect(queue.ping()).rejects.toThrow();
    });
  });
}

queueContract(
  "memory",
  (retryDelayMs = 20) =>
    openQueue({
      prefix: `test.${uniqueId()}.`,
      log: silentLogger,
      retryDelayMs: () => retryDelayMs,
    }),
);

const amqpUrl = process.env.AMQP_URL;
if (amqpUrl) {
  queueContract("rabbitmq", (retryDelayMs) => createTestQueue(undefined, retryDelayMs));

  describe("RabbitMQ queue", () => {
    let queue: Queue;
    let prefix: string;
    const consumers: Consumer[] = [];
    beforeEach(async () => {
      prefix = `test.${uniqueId()}.`;
      queue = await createTestQueue(prefix);
    });
    afterEach(async () => {
      for (const consumer of consumers.splice(0)) await consumer.stop();
      await queue.close();
    });

    /** Sends bytes straight to a queue, as a foreign or broken producer would. */
    async function sendRaw(queueName: string, body: string) {
      const connection = await connect(amqpUrl!);
      try {
        const channel = await connection.createConfirmChannel();
        channel.sendToQueue(queueName, Buffer.from(body), { messageId: "raw-1" });
        await channel.waitForConfirms();
      } finally {
        await connection.close();
      }
    }

    it("dead-letters an unreadable message without upsetting the consumer", async () => {
      const seen: JobMessage[] = [];
      consumers.push(
        await queue.consume("raw", (m) => Promise.resolve(void seen.push(m)), { prefetch: 1 }),
      );
      await sendRaw(`${prefix}raw`, "{not json");
      await sendRaw(`${prefix}raw`, JSON.stringify({ hello: "no id, no type" }));
      const good = newMessage("fine", { n: 1 });
      await queue.publish("raw", good);
      await eventually(() => seen.length === 1);
      expect(seen).toEqual([good]);

      const dead: JobMessage[] = [];
      await eventually(async () => {
        dead.push(...await queue.takeDeadLetters("raw", 10));
        return dead.length === 2;
      });
      const unreadable = dead.find((m) => m.type === "unreadable");
      expect(unreadable?.payload.raw).toBe("{not json");
      expect(dead.find((m) => m.type !== "unreadable")).toMatchObject({
        hello: "no id, no type",
      });
      await expect(queue.ping()).resolves.toBeUndefined();
    });

    it("starts a consumer again after the broker cancelled it (queue deleted)", async () => {
      const got: string[] = [];
      consumers.push(await queue.consume("gone", (m) => Promise.resolve(void got.push(m.id))));
      const before = newMessage("before", {});
      await queue.publish("gone", before);
      await eventually(() => got.length === 1);

      const connection = await connect(amqpUrl!);
      try {
        const channel = await connection.createChannel();
        await channel.deleteQueue(`${prefix}gone`);
      } finally {
        await connection.close();
      }
      // Publishes made before the consumer re-declared the queue are unroutable and
      // dropped by the broker, so keep publishing until one arrives.
      await eventually(async () => {
        await queue.publish("gone", newMessage("after", {}));
        return got.length > 1;
      }, { timeoutMs: 15_000, intervalMs: 200 });
      await expect(queue.ping()).resolves.toBeUndefined();
    });

    it("shares a queue between two instances: each message goes to one consumer", async () => {
      const other = await createTestQueue(prefix);
      try {
        const byA: string[] = [];
        const byB: string[] = [];
        consumers.push(await queue.consume("shared", (m) => Promise.resolve(void byA.push(m.id))));
        const consumerB = await other.consume(
          "shared",
          (m) => Promise.resolve(void byB.push(m.id)),
        );
        const published = Array.from({ length: 20 }, (_, n) => newMessage("split", { n }));
        for (const message of published) await other.publish("shared", message);
        await eventually(() => byA.length + byB.length === 20);
        expect([...byA, ...byB].sort()).toEqual(published.map((m) => m.id).sort());
        await consumerB.stop();
      } finally {
        await other.close();
      }
    });
  });
}
