import type { Logger } from "./log.ts";

/**
 * Durable job queues: RabbitMQ when AMQP_URL is set, otherwise in-process. Both deliver
 * at least once; a handler that throws is retried with backoff and, after maxAttempts,
 * the message is moved to the queue's dead letters. Handlers must be idempotent by id.
 */
export interface JobMessage {
  /** Unique per message: consumers record it to ignore redeliveries. */
  id: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

export type JobHandler = (message: JobMessage, attempt: number) => Promise<void>;

export interface ConsumeOptions {
  /** Messages handled at once by this consumer. */
  prefetch?: number;
  /** Attempts before a message is dead-lettered (counting the first). */
  maxAttempts?: number;
}

export interface Consumer {
  stop(): Promise<void>;
}

export interface Queue {
  readonly kind: "rabbitmq" | "memory";
  /** Resolves once the broker has confirmed the message; rejects when it cannot take it. */
  publish(queue: string, message: JobMessage): Promise<void>;
  consume(queue: string, handler: JobHandler, options?: ConsumeOptions): Promise<Consumer>;
  /** Removes and returns up to `max` dead-lettered messages of a queue. */
  takeDeadLetters(queue: string, max: number): Promise<JobMessage[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface QueueOptions {
  url?: string;
  /** Namespace for queue names, so tests and shops sharing a broker never meet. */
  prefix: string;
  log: Logger;
  /** Delay before retry number `attempt` (1-based). */
  retryDelayMs?: (attempt: number) => number;
}

export class QueueUnavailableError extends Error {
  override name = "QueueUnavailableError";
}

export const DEFAULT_MAX_ATTEMPTS = 5;

export const defaultRetryDelay = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 60_000);

export function newMessage(type: string, payload: Record<string, unknown>): JobMessage {
  return { id: crypto.randomUUID(), type, payload, createdAt: new Date().toISOString() };
}
