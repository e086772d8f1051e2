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

/** How many jobs of one queue wait, wait out a retry's backoff, or were dead-lettered. */
export interface QueueStats {
  /** Ready for a consumer (not counting those being handled right now). */
  waiting: number;
  /** Failed at least once and waiting out their backoff before the next attempt. */
  retrying: number;
  dead: number;
}

/** A dead-lettered job as the jobs screen shows it. */
export interface DeadLetter {
  message: JobMessage;
  /** Attempts made before it was given up. */
  attempts: number;
  /** What the last attempt failed with. */
  lastError: string;
  /** When it was dead-lettered (ISO), when known. */
  deadAt?: string;
}

export interface Queue {
  readonly kind: "rabbitmq" | "memory";
  /** Resolves once the broker has confirmed the message; rejects when it cannot take it. */
  publish(queue: string, message: JobMessage): Promise<void>;
  consume(queue: string, handler: JobHandler, options?: ConsumeOptions): Promise<Consumer>;
  /** Removes and returns up to `max` dead-lettered messages of a queue. */
  takeDeadLetters(queue: string, max: number): Promise<JobMessage[]>;
  stats(queue: string): Promise<QueueStats>;
  /** Up to `max` dead letters of a queue, oldest first, left where they are. */
  peekDeadLetters(queue: string, max: number): Promise<DeadLetter[]>;
  /**
   * Puts the dead letter with this message id back on its queue with fresh attempts and
   * returns it; undefined when the queue has no such dead letter (already retried or
   * discarded by someone else).
   */
  retryDeadLetter(queue: string, id: string): Promise<DeadLetter | undefined>;
  /** Deletes the dead letter with this message id and returns it; undefined when none. */
  discardDeadLetter(queue: string, id: string): Promise<DeadLetter | undefined>;
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

/** The most dead letters looked through to find one by id. */
export const DEAD_LETTER_SCAN_LIMIT = 1000;

/** An error as one line for the dead letters (and the jobs screen), never unbounded. */
export const errorLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 500);

export const defaultRetryDelay = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 60_000);

export function newMessage(type: string, payload: Record<string, unknown>): JobMessage {
  return { id: crypto.randomUUID(), type, payload, createdAt: new Date().toISOString() };
}
