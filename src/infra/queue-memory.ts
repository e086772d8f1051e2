import type { Logger } from "./log.ts";
import { errorFields } from "./log.ts";
import {
  type DeadLetter,
  DEFAULT_MAX_ATTEMPTS,
  errorLine,
  type JobHandler,
  type JobMessage,
  type Queue,
} from "./queue.ts";

interface Delivery {
  message: JobMessage;
  attempt: number;
}

interface MemoryConsumer {
  handler: JobHandler;
  prefetch: number;
  maxAttempts: number;
  inFlight: number;
  /** This consumer's running handlers, which stop() waits for. */
  running: Set<Promise<void>>;
}

interface Line {
  waiting: Delivery[];
  dead: DeadLetter[];
  /** Deliveries waiting out their backoff. */
  retrying: number;
  consumer?: MemoryConsumer;
}

/**
 * The embedded queue: the same handlers and the same ack/retry/dead-letter rules as
 * RabbitMQ, inside this process. Messages wait until a consumer attaches.
 */
export function createMemoryQueue(log: Logger, retryDelayMs: (attempt: number) => number): Queue {
  const lines = new Map<string, Line>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const settling = new Set<Promise<void>>();
  let closed = false;

  const line = (name: string) => {
    let found = lines.get(name);
    if (!found) {
      found = { waiting: [], dead: [], retrying: 0 };
      lines.set(name, found);
    }
    return found;
  };

  const pump = (name: string) => {
    const current = line(name);
    const consumer = current.consumer;
    while (!closed && consumer && consumer.inFlight < consumer.prefetch && current.waiting.length) {
      const delivery = current.waiting.shift()!;
      consumer.inFlight++;
      const run = (async () => {
        try {
          await consumer.handler(structuredClone(delivery.message), delivery.attempt);
        } catch (error) {
          fail(name, delivery, consumer.maxAttempts, error);
        } finally {
          consumer.inFlight--;
          queueMicrotask(() => pump(name));
        }
      })();
      settling.add(run);
      consumer.running.add(run);
      run.finally(() => {
        settling.delete(run);
        consumer.running.delete(run);
      });
    }
  };

  const fail = (name: string, delivery: Delivery, maxAttempts: number, error: unknown) => {
    if (delivery.attempt >= maxAttempts) {
      log.error("job dead-lettered", {
        queue: name,
        messageId: delivery.message.id,
        attempts: delivery.attempt,
        ...errorFields(error),
      });
      line(name).dead.push({
        message: delivery.message,
        attempts: delivery.attempt,
        lastError: errorLine(error),
        deadAt: new Date().toISOString(),
      });
      return;
    }
    log.warn("job failed; will retry", {
      queue: name,
      messageId: delivery.message.id,
      attempt: delivery.attempt,
      ...errorFields(error),
    });
    line(name).retrying++;
    const timer = setTimeout(() => {
      timers.delete(timer);
      line(name).retrying--;
      line(name).waiting.push({ message: delivery.message, attempt: delivery.attempt + 1 });
      pump(name);
    }, retryDelayMs(delivery.attempt));
    timers.add(timer);
  };

  return {
    kind: "memory",
    publish(name, message) {
      if (closed) return Promise.reject(new Error("queue is closed"));
      line(name).waiting.push({ message: structuredClone(message), attempt: 1 });
      queueMicrotask(() => pump(name));
      return Promise.resolve();
    },
    consume(name, handler, options = {}) {
      const current = line(name);
      if (current.consumer) {
        return Promise.reject(new Error(`queue ${name} already has a consumer`));
      }
      const consumer: MemoryConsumer = {
        handler,
        prefetch: options.prefetch ?? 10,
        maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        inFlight: 0,
        running: new Set(),
      };
      current.consumer = consumer;
      queueMicrotask(() => pump(name));
      return Promise.resolve({
        stop: async () => {
          // Only this consumer: a second stop() must not detach a consumer attached since.
          if (current.consumer === consumer) current.consumer = undefined;
          await Promise.allSettled([...consumer.running]);
        },
      });
    },
    takeDeadLetters(name, max) {
      return Promise.resolve(line(name).dead.splice(0, max).map((dead) => dead.message));
    },
    stats(name) {
      if (closed) return Promise.reject(new Error("queue is closed"));
      const { waiting, retrying, dead } = line(name);
      return Promise.resolve({ waiting: waiting.length, retrying, dead: dead.length });
    },
    peekDeadLetters(name, max) {
      if (closed) return Promise.reject(new Error("queue is closed"));
      return Promise.resolve(structuredClone(line(name).dead.slice(0, max)));
    },
    retryDeadLetter(name, id) {
      const current = line(name);
      const index = current.dead.findIndex((dead) => dead.message.id === id);
      if (closed) return Promise.reject(new Error("queue is closed"));
      if (index < 0) return Promise.resolve(undefined);
      const [dead] = current.dead.splice(index, 1);
      current.waiting.push({ message: structuredClone(dead.message), attempt: 1 });
      queueMicrotask(() => pump(name));
      return Promise.resolve(dead);
    },
    discardDeadLetter(name, id) {
      if (closed) return Promise.reject(new Error("queue is closed"));
      const current = line(name);
      const index = current.dead.findIndex((dead) => dead.message.id === id);
      return Promise.resolve(index >= 0 ? current.dead.splice(index, 1)[0] : undefined);
    },
    ping: () => closed ? Promise.reject(new Error("queue is closed")) : Promise.resolve(),
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...settling]);
    },
  };
}
