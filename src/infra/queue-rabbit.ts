import { Buffer } from "node:buffer";
import { type Channel, type ChannelModel, type ConfirmChannel, connect } from "amqplib";
import type { ConsumeMessage } from "amqplib";
import { errorFields, type Logger } from "./log.ts";
import {
  type Consumer,
  DEFAULT_MAX_ATTEMPTS,
  type JobHandler,
  type JobMessage,
  type Queue,
  QueueUnavailableError,
} from "./queue.ts";

interface Registration {
  queue: string;
  handler: JobHandler;
  prefetch: number;
  maxAttempts: number;
  channel?: Channel;
  stopped: boolean;
  inFlight: Set<Promise<void>>;
}

const CONFIRM_TIMEOUT_MS = 10_000;
const ATTEMPT_HEADER = "x-crumb-attempt";

/**
 * RabbitMQ through amqplib. Each logical queue `q` is three durable queues: `q` (work),
 * `q.retry` (messages wait out their backoff as per-message TTL, then dead-letter back to
 * `q`) and `q.dead` (poison messages). Publishing waits for the broker's confirm; consumers
 * ack only after the handler succeeded. amqplib's recovery reconnects with backoff and
 * `setup` re-creates channels and consumers after each reconnect.
 */
export async function createRabbitQueue(
  url: string,
  prefix: string,
  log: Logger,
  retryDelayMs: (attempt: number) => number,
): Promise<Queue> {
  const registrations = new Set<Registration>();
  let publisher: ConfirmChannel | undefined;
  let declared = new Set<string>();
  let connected = false;
  let closing = false;
  let current: ChannelModel | undefined;
  const name = (queue: string) => prefix + queue;

  const declare = async (channel: Channel, queue: string) => {
    if (declared.has(queue)) return;
    await channel.assertQueue(queue, {
      durable: true,
      arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": `${queue}.dead` },
    });
    await channel.assertQueue(`${queue}.retry`, {
      durable: true,
      arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue },
    });
    await channel.assertQueue(`${queue}.dead`, { durable: true });
    declared.add(queue);
  };

  const send = (queue: string, message: JobMessage, attempt: number, expiration?: number) => {
    const channel = publisher;
    if (!connected || !channel) {
      return Promise.reject(new QueueUnavailableError("RabbitMQ is not connected"));
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new QueueUnavailableError("RabbitMQ did not confirm the message in time")),
        CONFIRM_TIMEOUT_MS,
      );
      try {
        channel.sendToQueue(
          queue,
          Buffer.from(JSON.stringify(message)),
          {
            persistent: true,
            messageId: message.id,
            type: message.type,
            contentType: "application/json",
            headers: { [ATTEMPT_HEADER]: attempt },
            expiration: expiration === undefined ? undefined : String(Math.max(0, expiration)),
          },
          (error: unknown) => {
            clearTimeout(timer);
            if (error) reject(new QueueUnavailableError(`RabbitMQ refused the message: ${error}`));
            else resolve();
          },
        );
      } catch (error) {
        clearTimeout(timer);
        reject(new QueueUnavailableError(`RabbitMQ: ${(error as Error).message}`));
      }
    });
  };

  const onDelivery = async (registration: Registration, channel: Channel, raw: ConsumeMessage) => {
    const queue = registration.queue;
    let message: JobMessage;
    try {
      message = JSON.parse(raw.content.toString("utf8"));
      if (typeof message?.id !== "string" || typeof message?.type !== "string") {
        throw new Error("not a job message");
      }
    } catch (error) {
      // Unreadable: retrying cannot help, so straight to the dead letters.
      log.error("unreadable job dead-lettered", { queue, ...errorFields(error) });
      channel.nack(raw, false, false);
      return;
    }
    const attempt = Number(raw.properties.headers?.[ATTEMPT_HEADER] ?? 1);
    try {
      await registration.handler(message, attempt);
      channel.ack(raw);
    } catch (error) {
      try {
        if (attempt >= registration.maxAttempts) {
          log.error("job dead-lettered", {
            queue,
            messageId: message.id,
            attempts: attempt,
            ...errorFields(error),
          });
          await send(`${queue}.dead`, message, attempt);
        } else {
          log.warn("job failed; will retry", {
            queue,
            messageId: message.id,
            attempt,
            ...errorFields(error),
          });
          await send(`${queue}.retry`, message, attempt + 1, retryDelayMs(attempt));
        }
        channel.ack(raw);
      } catch {
        // Could not park it: leave it unacked so the broker delivers it again.
        channel.nack(raw, false, true);
      }
    }
  };

  const startConsumer = async (model: ChannelModel, registration: Registration) => {
    const channel = await model.createChannel();
    await declare(channel, registration.queue);
    await channel.prefetch(registration.prefetch);
    registration.channel = channel;
    await channel.consume(registration.queue, (raw) => {
      if (!raw) return;
      const run = onDelivery(registration, channel, raw);
      registration.inFlight.add(run);
      run.finally(() => registration.inFlight.delete(run));
    });
  };

  const connection = await connect(url, {
    recovery: {
      initialDelay: 200,
      maxDelay: 10_000,
      initialMaxRetries: 4,
      maxRetries: Infinity,
      setup: async (model: ChannelModel) => {
        current = model;
        declared = new Set();
        publisher = await model.createConfirmChannel();
        publisher.on("error", () => {});
        for (const registration of registrations) {
          if (!registration.stopped) await startConsumer(model, registration);
        }
        connected = true;
      },
    },
  });
  let down = false;
  connection.on("disconnect", (error: Error) => {
    connected = false;
    if (closing || down) return;
    down = true;
    log.warn("rabbitmq connection lost; retrying with backoff", { error: error?.message });
  });
  connection.on("connect", () => {
    if (!down) return;
    down = false;
    log.info("rabbitmq connection restored");
  });
  connection.on("error", () => {});

  return {
    kind: "rabbitmq",
    publish: async (queue, message) => {
      if (publisher) await declare(publisher, name(queue)).catch(() => {});
      await send(name(queue), message, 1);
    },
    consume: async (queue, handler, options = {}): Promise<Consumer> => {
      const registration: Registration = {
        queue: name(queue),
        handler,
        prefetch: options.prefetch ?? 10,
        maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        stopped: false,
        inFlight: new Set(),
      };
      registrations.add(registration);
      const model = current;
      if (connected && model) await startConsumer(model, registration);
      return {
        stop: async () => {
          registration.stopped = true;
          registrations.delete(registration);
          await Promise.allSettled([...registration.inFlight]);
          await registration.channel?.close().catch(() => {});
        },
      };
    },
    takeDeadLetters: async (queue, max) => {
      if (!connected || !current) throw new QueueUnavailableError("RabbitMQ is not connected");
      const channel = await current.createChannel();
      try {
        await declare(channel, name(queue));
        const taken: JobMessage[] = [];
        while (taken.length < max) {
          const raw = await channel.get(`${name(queue)}.dead`, { noAck: false });
          if (!raw) break;
          try {
            taken.push(JSON.parse(raw.content.toString("utf8")));
          } catch {
            taken.push({
              id: String(raw.properties.messageId ?? "unknown"),
              type: "unreadable",
              payload: { raw: raw.content.toString("utf8").slice(0, 1000) },
              createdAt: new Date().toISOString(),
            });
          }
          channel.ack(raw);
        }
        return taken;
      } finally {
        await channel.close().catch(() => {});
      }
    },
    ping: () =>
      connected
        ? Promise.resolve()
        : Promise.reject(new QueueUnavailableError("RabbitMQ is not connected")),
    close: async () => {
      closing = true;
      for (const registration of registrations) {
        registration.stopped = true;
        await Promise.allSettled([...registration.inFlight]);
      }
      await connection.close().catch(() => {});
    },
  };
}
