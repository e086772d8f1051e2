import { Buffer } from "node:buffer";
import type { Channel, ConfirmChannel } from "amqplib";
import { type JobMessage, QueueUnavailableError } from "./queue.ts";

/** The layout of one logical queue on RabbitMQ, and publishing into it with a confirm. */

/** How many times a message has been tried, carried with it into the retry queue and back. */
export const ATTEMPT_HEADER = "x-crumb-attempt";
/** What the last attempt failed with, carried into the retry queue and the dead letters. */
export const LAST_ERROR_HEADER = "x-crumb-last-error";
/** When a message was dead-lettered (ISO). */
export const DEAD_AT_HEADER = "x-crumb-dead-at";
const CONFIRM_TIMEOUT_MS = 10_000;

/**
 * The three durable queues of `queue`: the work queue (poison messages dead-letter to
 * `queue.dead`) and `queue.retry`, where a message waits out its backoff as a per-message TTL
 * and then dead-letters back to the work queue.
 */
export async function declareQueues(channel: Channel, queue: string) {
  await channel.assertQueue(queue, {
    durable: true,
    arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": `${queue}.dead` },
  });
  await channel.assertQueue(`${queue}.retry`, {
    durable: true,
    arguments: { "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue },
  });
  await channel.assertQueue(`${queue}.dead`, { durable: true });
}

/** A persistent message, resolved once the broker confirmed it; `expiration` in ms. */
export function sendConfirmed(
  channel: ConfirmChannel,
  queue: string,
  message: JobMessage,
  attempt: number,
  expiration?: number,
  headers: Record<string, string> = {},
): Promise<void> {
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
          headers: { ...headers, [ATTEMPT_HEADER]: attempt },
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
}
