import type { Logger } from "./log.ts";

/**
 * Key/value with TTL, atomic counters and pub/sub: Redis when REDIS_URL is set,
 * otherwise an in-process implementation with the same semantics.
 */
export interface Store {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | null>;
  /** Several keys in one round trip, in order. */
  getMany(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when the key does not exist; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(...keys: string[]): Promise<number>;
  /** Deletes every key starting with the prefix (the way a tag of entries is dropped). */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * Atomically adds `by` (default one; minus one takes a count back); a new counter expires
   * after ttlMs. Returns the count and ms left.
   */
  increment(key: string, ttlMs: number, by?: number): Promise<{ count: number; ttlMs: number }>;
  /** Every field of a hash; empty when the key does not exist. */
  hashGetAll(key: string): Promise<Record<string, string>>;
  /** Sets fields of a hash and (re)starts the whole hash's expiry. */
  hashSet(key: string, fields: Record<string, string>, ttlMs: number): Promise<void>;
  /** Removes fields; the hash disappears with its last field. Returns how many went. */
  hashDelete(key: string, ...fields: string[]): Promise<number>;
  /** Restarts a key's expiry; false when the key does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once subscribed; the returned function unsubscribes. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  url?: string;
  /** Namespace for every key and channel, so instances of different shops or tests never meet. */
  prefix: string;
  log: Logger;
  now?: () => number;
  /** While Redis is away, how often to check whether it is back (see store-breaker.ts). */
  probeEveryMs?: number;
}

export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
}
