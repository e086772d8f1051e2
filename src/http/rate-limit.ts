import type { Store } from "../infra/store.ts";
import { createMemoryStore } from "../infra/store-memory.ts";

/**
 * Window counters in the store (Redis when configured, so limits hold across instances).
 * Written against the Store interface rather than rate-limiter-flexible so the embedded and
 * Redis deployments share one implementation and tests can drive the clock. While the store
 * is unreachable they count in this process instead: limits then hold per instance, never
 * not at all, and a lost store never turns a sign-in into an error.
 */
export interface Limit {
  /** Name of what is limited, e.g. "api" or "signin". */
  bucket: string;
  limit: number;
  windowMs: number;
  /**
   * Slide the window in this many steps instead of starting afresh at fixed instants. A
   * fixed window lets twice the limit through around its edge (five guesses just before it,
   * five just after); a sliding one counts every step that overlaps the last `windowMs`, so a
   * request is counted for at least `windowMs` and at most one step longer.
   */
  slices?: number;
}

export interface LimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until there is room for another request (or the window resets). */
  resetMs: number;
  /** Requests counted in the window (with this one, for a hit). */
  count: number;
}

/** The counting part of the store: what limits and lockout gates need. */
export type Counters = Pick<
  Store,
  "get" | "getMany" | "set" | "setIfAbsent" | "delete" | "increment"
>;

/**
 * The store's counters, or this process's own while the store fails. Each operation tries
 * the store first (its circuit breaker answers at once while it is known to be away).
 */
export function countersWithFallback(store: Store, now: () => number = Date.now): Counters {
  let local: Store | undefined;
  const fallback = () => (local ??= createMemoryStore("local:", now));
  const either =
    <A extends unknown[], T>(operation: (s: Counters, ...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      try {
        return await operation(store, ...args);
      } catch {
        return await operation(fallback(), ...args);
      }
    };
  return {
    get: either((s, key: string) => s.get(key)),
    getMany: either((s, keys: string[]) => s.getMany(keys)),
    set: either((s, key: string, value: string, ttlMs?: number) => s.set(key, value, ttlMs)),
    setIfAbsent: either((s, key: string, value: string, ttlMs: number) =>
      s.setIfAbsent(key, value, ttlMs)
    ),
    delete: either((s, ...keys: string[]) => s.delete(...keys)),
    increment: either((s, key: string, ttlMs: number, by?: number) => s.increment(key, ttlMs, by)),
  };
}

export function createRateLimiter(backing: Store, now: () => number = Date.now) {
  const store = countersWithFallback(backing, now);
  /** The steps counted now, oldest first; the last one is the current step. */
  const steps = (rule: Limit, who: string) => {
    const t = now();
    const stepMs = rule.slices ? rule.windowMs / rule.slices : rule.windowMs;
    const current = Math.floor(t / stepMs);
    const span = rule.slices ? rule.slices + 1 : 1;
    const indexes = Array.from({ length: span }, (_, i) => current - span + 1 + i);
    return {
      t,
      stepMs,
      span,
      indexes,
      keys: indexes.map((index) => `rl:${rule.bucket}:${index}:${who}`),
    };
  };
  type Steps = ReturnType<typeof steps>;

  const state = (rule: Limit, s: Steps, counts: number[], counted: boolean): LimitState => {
    const total = counts.reduce((sum, n) => sum + n, 0);
    // A counted request fits while the total is within the limit; a peek asks whether one
    // more would.
    const allowed = counted ? total <= rule.limit : total < rule.limit;
    // Room for one more needs this many counted requests to leave the window.
    const excess = Math.max(1, total - rule.limit + 1);
    let resetMs = (s.indexes[s.span - 1] + 1) * s.stepMs - s.t;
    let leaving = 0;
    for (let i = 0; i < s.span; i++) {
      leaving += counts[i];
      if (leaving >= excess) {
        resetMs = (s.indexes[i] + s.span) * s.stepMs - s.t;
        break;
      }
    }
    return {
      allowed,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - total),
      resetMs,
      count: total,
    };
  };

  /** Counts one request; `undo` takes that very count back (it went into this step). */
  const counted = async (rule: Limit, who: string) => {
    const s = steps(rule, who);
    const current = s.keys[s.span - 1];
    const kept = (s.indexes[s.span - 1] + s.span) * s.stepMs - s.t + 1000;
    const [{ count }, older] = await Promise.all([
      store.increment(current, kept),
      s.span > 1 ? store.getMany(s.keys.slice(0, -1)) : Promise.resolve([]),
    ]);
    const counts = [...older.map((v) => Math.max(0, Number(v ?? 0))), count];
    return {
      state: state(rule, s, counts, true),
      undo: async () => void await store.increment(current, kept, -1),
    };
  };

  return {
    /** Counts one request for `who`, and says whether it is within the limit. */
    async hit(rule: Limit, who: string): Promise<LimitState> {
      return (await counted(rule, who)).state;
    },
    /**
     * Counts one request that may turn out not to count (the work it stood for never ran,
     * or succeeded where only failures count): `undo()` takes it back.
     */
    hitUndoable: counted,
    /** The state without counting (e.g. failures so far, before checking a password). */
    async peek(rule: Limit, who: string): Promise<LimitState> {
      const s = steps(rule, who);
      const values = await store.getMany(s.keys);
      return state(rule, s, values.map((v) => Math.max(0, Number(v ?? 0))), false);
    },
    /** The counters the limits live in (with the same fallback), for gates of their own. */
    counters: store,
    /** Forgets every request of `who` in the window. */
    async reset(rule: Limit, who: string) {
      await store.delete(...steps(rule, who).keys);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** Standard headers for a limited response (Retry-After and the IETF RateLimit fields). */
export function rateLimitHeaders(
  s: Omit<LimitState, "count">,
  rule: Limit,
): Record<string, string> {
  const reset = Math.max(1, Math.ceil(s.resetMs / 1000));
  const headers: Record<string, string> = {
    "RateLimit": `limit=${s.limit}, remaining=${s.remaining}, reset=${reset}`,
    "RateLimit-Policy": `${rule.limit};w=${Math.round(rule.windowMs / 1000)}`,
  };
  if (!s.allowed) headers["Retry-After"] = String(reset);
  return headers;
}
