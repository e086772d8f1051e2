import type { Channel, ConsumeMessage } from "amqplib";
import { errorFields, type Logger } from "./log.ts";
import { errorLine, type JobHandler, type JobMessage } from "./queue.ts";
import { ATTEMPT_HEADER, DEAD_AT_HEADER, LAST_ERROR_HEADER } from "./queue-rabbit-send.ts";

/** One consumer of a queue, as the connection starts it again after each reconnect. */
export interface Registration {
  queue: string;
  handler: JobHandler;
  prefetch: number;
  maxAttempts: number;
  channel?: Channel;
  consumerTag?: string;
  stopped: boolean;
  stopping?: Promise<void>;
  inFlight: Set<Promise<void>>;
}

/** Sends a message to a queue (with its attempt number, a TTL in ms, headers), confirmed. */
export type Send = (
  queue: string,
  message: JobMessage,
  attempt: number,
  expiration?: number,
  headers?: Record<string, string>,
) => Promise<void>;

/**
 * What happens to one delivered message: the handler runs; on success it is acked; on
 * failure it is parked in the retry queue with its backoff or, after the last attempt, in
 * the dead letters, and only then acked. Unreadable messages go straight to the dead letters.
 */
export function deliveries(
  { log, send, retryDelayMs, closedChannels }: {
    log: Logger;
    send: Send;
    retryDelayMs: (attempt: number) => number;
    /** Channels that closed: the broker put their unacked messages back by itself. */
    closedChannels: WeakSet<Channel>;
  },
) {
  /** Acks or nacks; on a closed channel the broker has already put the message back. */
  const settle = (channel: Channel, raw: ConsumeMessage, how: "ack" | "requeue" | "reject") => {
    try {
      if (how === "ack") channel.ack(raw);
      else channel.nack(raw, false, how === "requeue");
    } catch (error) {
      log.warn("job not settled: its channel closed; the broker delivers it again", {
        how,
        messageId: raw.properties.messageId,
        ...errorFields(error),
      });
    }
  };

  return async (registration: Registration, channel: Channel, raw: ConsumeMessage) => {
    const queue = registration.queue;
    if (registration.stopped) {
      // Arrived while stop() cancels the consumer: leave it for the next one.
      settle(channel, raw, "requeue");
      return;
    }
    let message: JobMessage;
    try {
      message = JSON.parse(raw.content.toString("utf8"));
      if (typeof message?.id !== "string" || typeof message?.type !== "string") {
        throw new Error("not a job message");
      }
    } catch (error) {
      // Unreadable: retrying cannot help, so straight to the dead letters.
      log.error("unreadable job dead-lettered", { queue, ...errorFields(error) });
      settle(channel, raw, "reject");
      return;
    }
    const attempt = Number(raw.properties.headers?.[ATTEMPT_HEADER] ?? 1);
    let failure: { error: unknown } | undefined;
    try {
      await registration.handler(message, attempt);
    } catch (error) {
      failure = { error };
    }
    if (!failure) {
      settle(channel, raw, "ack");
      return;
    }
    if (closedChannels.has(channel)) {
      // The broker already requeued it with the channel: parking a copy would double it.
      log.warn("job failed on a closed channel; the broker delivers it again", {
        queue,
        messageId: message.id,
        attempt,
        ...errorFields(failure.error),
      });
      return;
    }
    const lastError = errorLine(failure.error);
    try {
      if (attempt >= registration.maxAttempts) {
        log.error("job dead-lettered", {
          queue,
          messageId: message.id,
          attempts: attempt,
          ...errorFields(failure.error),
        });
        await send(`${queue}.dead`, message, attempt, undefined, {
          [LAST_ERROR_HEADER]: lastError,
          [DEAD_AT_HEADER]: new Date().toISOString(),
        });
      } else {
        log.warn("job failed; will retry", {
          queue,
          messageId: message.id,
          attempt,
          ...errorFields(failure.error),
        });
        await send(`${queue}.retry`, message, attempt + 1, retryDelayMs(attempt), {
          [LAST_ERROR_HEADER]: lastError,
        });
      }
    } catch {
      // Could not park it: leave it to the broker to deliver again.
      settle(channel, raw, "requeue");
      return;
    }
    settle(channel, raw, "ack");
  };
}
