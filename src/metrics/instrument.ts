import { AppError } from "../http/errors.ts";
import type { Sql } from "../infra/db.ts";
import { DEFAULT_MAX_ATTEMPTS, type Queue } from "../infra/queue.ts";
import type { Store } from "../infra/store.ts";
import { type Metrics, stopwatch } from "./metrics.ts";

/**
 * Counting wrappers: each takes a part as it is and returns the same part, counted. The parts
 * themselves stay free of metrics, and the app composes the counted ones (src/app.ts).
 */

/** Published, consumed, retried and dead-lettered jobs, and how long handlers ran. */
export function countedQueue(queue: Queue, metrics: Metrics): Queue {
  return {
    ...queue,
    kind: queue.kind,
    async publish(name, message) {
      await queue.publish(name, message);
      metrics.queuePublished.inc({ queue: name });
    },
    consume(name, handler, options = {}) {
      const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      return queue.consume(name, async (message, attempt) => {
        const elapsed = stopwatch();
        try {
          await handler(message, attempt);
        } catch (error) {
          metrics.jobDuration.observe({ queue: name, outcome: "failed" }, elapsed());
          if (attempt >= maxAttempts) metrics.queueDeadLettered.inc({ queue: name });
          else metrics.queueRetried.inc({ queue: name });
          throw error;
        }
        metrics.jobDuration.observe({ queue: name, outcome: "ok" }, elapsed());
        metrics.queueConsumed.inc({ queue: name });
      }, options);
    },
  };
}

/** Hits and misses of the cache entries under `prefix` (a miss is a key the store lacks). */
export function countedCache(store: Store, metrics: Metrics, cache: string, prefix: string): Store {
  const count = (keys: string[], values: (string | null)[]) => {
    keys.forEach((key, i) => {
      if (!key.startsWith(prefix)) return;
      if (typeof values[i] === "string") metrics.cacheHits.inc({ cache });
      else metrics.cacheMisses.inc({ cache });
    });
  };
  return {
    ...store,
    kind: store.kind,
    async get(key) {
      const value = await store.get(key);
      count([key], [value]);
      return value;
    },
    async getMany(keys) {
      const values = await store.getMany(keys);
      count(keys, values);
      return values;
    },
  };
}

interface Limiter {
  hit(rule: { bucket: string }, who: string): Promise<{ allowed: boolean }>;
  peek(rule: { bucket: string }, who: string): Promise<{ allowed: boolean }>;
}

/** Requests a rate limit refused, by the limit's name. */
export function countedLimiter<L extends Limiter>(limiter: L, metrics: Metrics): L {
  const counted = (check: L["hit"]) => async (rule: { bucket: string }, who: string) => {
    const state = await check(rule, who);
    if (!state.allowed) metrics.rateLimited.inc({ limit: rule.bucket });
    return state;
  };
  return { ...limiter, hit: counted(limiter.hit), peek: counted(limiter.peek) };
}

/** Orders placed and refused (by the refusal's code), and how long placing took. */
export function countedOrders<
  O extends { place(...args: never[]): Promise<{ replayed: boolean }> },
>(orders: O, metrics: Metrics): O {
  const place = async (...args: Parameters<O["place"]>) => {
    const elapsed = stopwatch();
    try {
      const placed = await orders.place(...args);
      metrics.checkoutDuration.observe(
        { outcome: placed.replayed ? "replayed" : "placed" },
        elapsed(),
      );
      if (!placed.replayed) metrics.ordersPlaced.inc();
      return placed;
    } catch (error) {
      const reason = error instanceof AppError ? error.code : "error";
      metrics.checkoutDuration.observe({ outcome: "refused" }, elapsed());
      metrics.ordersRefused.inc({ reason });
      throw error;
    }
  };
  return { ...orders, place };
}

/** Sign-ins refused for a wrong email or password. */
export function countedSignIn<
  S extends { signIn(...args: never[]): Promise<unknown> },
>(sessions: S, metrics: Metrics): S {
  const signIn = async (...args: Parameters<S["signIn"]>) => {
    try {
      return await sessions.signIn(...args);
    } catch (error) {
      if (error instanceof AppError && error.code === "invalid_credentials") {
        metrics.signinFailures.inc();
      }
      throw error;
    }
  };
  return { ...sessions, signIn };
}

/** The outbox's backlog, read when Prometheus scrapes. */
export async function outboxState(sql: Sql) {
  const [row] = await sql<{ pending: number; oldestSeconds: number }[]>`
    select count(*)::int as pending,
      coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest_seconds
    from outbox where published_at is null`;
  return row;
}

/**
 * This process's connections as PostgreSQL sees them (by the application name the pool
 * connects with), less the one asking. An embedded database is one session with no such
 * view: nothing is reported for it.
 */
export function poolState(sql: Sql, applicationName: string, max: number) {
  return async () => {
    const [row] = await sql<{ open: number; inUse: number }[]>`
      select count(*)::int as open,
        count(*) filter (where state is distinct from 'idle')::int as in_use
      from pg_stat_activity
      where application_name = ${applicationName} and pid <> pg_backend_pid()`;
    // The connection asking is in use for the scrape itself.
    return { open: row.open + 1, inUse: row.inUse, max };
  };
}
