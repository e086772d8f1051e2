import { type Channel, type ChannelModel, type ConfirmChannel, connect } from "amqplib";
import { errorFields, type Logger } from "./log.ts";
import {
  type Consumer,
  DEFAULT_MAX_ATTEMPTS,
  type JobMessage,
  type Queue,
  QueueUnavailableError,
} from "./queue.ts";
import { deliveries, type Registration } from "./queue-rabbit-delivery.ts";
import { declareQueues, sendConfirmed } from "./queue-rabbit-send.ts";
import { deadLetterTools } from "./queue-rabbit-dead.ts";

/** Pause before a consumer the broker cancelled (or whose channel it closed) starts again. */
const RESTART_DELAY_MS = 1000;

/**
 * RabbitMQ through amqplib. Each logical queue `q` is three durable queues: `q` (work),
 * `q.retry` (messages wait out their backoff as per-message TTL, then dead-letter back to
 * `q`) and `q.dead` (poison messages). Publishing waits for the broker's confirm; consumers
 * ack only after the handler succeeded. amqplib's recovery reconnects with backoff and
 * `setup` re-creates channels and consumers after each reconnect; a consumer whose channel
 * alone was closed (or that the broker cancelled) starts again by itself.
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
    await declareQueues(channel, queue);
    declared.add(queue);
  };

  const send = (
    queue: string,
    message: JobMessage,
    attempt: number,
    expiration?: number,
    headers?: Record<string, string>,
  ) => {
    const channel = publisher;
    if (!connected || !channel) {
      return Promise.reject(new QueueUnavailableError("RabbitMQ is not connected"));
    }
    return sendConfirmed(channel, queue, message, attempt, expiration, headers);
  };

  const dead = deadLetterTools({
    name,
    send,
    open: () => {
      if (!connected || !current) {
        return Promise.reject(new QueueUnavailableError("RabbitMQ is not connected"));
      }
      return current.createChannel();
    },
  });

  const closedChannels = new WeakSet<Channel>();
  const restartTimers = new Set<ReturnType<typeof setTimeout>>();

  const onDelivery = deliveries({ log, send, retryDelayMs, closedChannels });

  /** A consumer lost without its connection (channel error, cancel by the broker) restarts. */
  const restartLater = (registration: Registration, lost: Channel, reason: string) => {
    if (registration.stopped || closing || registration.channel !== lost) return;
    log.warn("rabbitmq consumer lost; starting it again", { queue: registration.queue, reason });
    const timer = setTimeout(async () => {
      restartTimers.delete(timer);
      const model = current;
      // A reconnect's setup starts it on a new channel by itself.
      if (registration.stopped || closing || registration.channel !== lost) return;
      if (!connected || !model) return;
      declared.delete(registration.queue); // it may have been deleted
      try {
        await startConsumer(model, registration);
      } catch (error) {
        log.error("rabbitmq consumer could not start again", {
          queue: registration.queue,
          ...errorFields(error),
        });
        restartLater(registration, lost, "retry");
        return;
      }
      // A cancelled consumer's channel may still be open with handlers running on it:
      // let them ack, then close it.
      const running = [...registration.inFlight];
      void Promise.allSettled(running).then(() => {
        closedChannels.add(lost);
        return lost.close();
      }).catch(() => {});
    }, RESTART_DELAY_MS);
    restartTimers.add(timer);
  };

  const startConsumer = async (model: ChannelModel, registration: Registration) => {
    const channel = await model.createChannel();
    // Without a listener a channel error would be thrown as an uncaught exception.
    channel.on("error", (error: Error) => {
      log.warn("rabbitmq consumer channel error", {
        queue: registration.queue,
        ...errorFields(error),
      });
    });
    channel.on("close", () => {
      const expected = closedChannels.has(channel);
      closedChannels.add(channel);
      if (!expected) restartLater(registration, channel, "channel closed");
    });
    await declare(channel, registration.queue);
    await channel.prefetch(registration.prefetch);
    if (registration.stopped) {
      await channel.close().catch(() => {});
      return;
    }
    registration.channel = channel;
    const { consumerTag } = await channel.consume(registration.queue, (raw) => {
      if (!raw) {
        // Cancelled by the broker, e.g. the queue was deleted.
        restartLater(registration, channel, "cancelled by the broker");
        return;
      }
      const run = onDelivery(registration, channel, raw).catch((error) => {
        log.error("job delivery failed", { queue: registration.queue, ...errorFields(error) });
      });
      registration.inFlight.add(run);
      run.finally(() => registration.inFlight.delete(run));
    });
    registration.consumerTag = consumerTag;
  };

  /** Stops deliveries first, then waits for the handlers running, then closes the channel. */
  const stopConsumer = (registration: Registration): Promise<void> => {
    registration.stopping ??= (async () => {
      registration.stopped = true;
      registrations.delete(registration);
      const channel = registration.channel;
      if (channel && registration.consumerTag) {
        await channel.cancel(registration.consumerTag).catch(() => {});
      }
      while (registration.inFlight.size) await Promise.allSettled([...registration.inFlight]);
      await channel?.close().catch(() => {});
    })();
    return registration.stopping;
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
        connected = !closing;
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
      if (connected && model) {
        try {
          await startConsumer(model, registration);
        } catch (error) {
          registration.stopped = true; // never restarted behind the caller's back
          registrations.delete(registration);
          throw new QueueUnavailableError(`RabbitMQ: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
      return { stop: () => stopConsumer(registration) };
    },
    takeDeadLetters: async (queue, max) => {
      if (!connected || !current) throw new QueueUnavailableError("RabbitMQ is not connected");
      const channel = await current.createChannel();
      channel.on("error", () => {}); // e.g. the queue was deleted: get() rejects instead
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
    stats: (queue) => dead.stats(queue),
    peekDeadLetters: (queue, max) => dead.peek(queue, max),
    retryDeadLetter: (queue, id) => dead.retry(queue, id),
    discardDeadLetter: (queue, id) => dead.discard(queue, id),
    ping: () =>
      connected
        ? Promise.resolve()
        : Promise.reject(new QueueUnavailableError("RabbitMQ is not connected")),
    close: async () => {
      closing = true;
      connected = false;
      for (const timer of restartTimers) clearTimeout(timer);
      await Promise.allSettled([...registrations].map(stopConsumer));
      await connection.close().catch(() => {});
    },
  };
}
