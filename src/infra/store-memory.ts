import { errorFields, type Logger, silentLogger } from "./log.ts";
import type { Store } from "./store.ts";

interface Entry {
  /** A string, or the fields of a hash. */
  value: string | Map<string, string>;
  expiresAt: number;
}

const wrongType = () =>
  new Error("WRONGTYPE Operation against a key holding the wrong kind of value");

/**
 * The embedded store: one Map in this process. Expiry is checked on every read and swept
 * periodically, so TTLs hold exactly as in Redis; JavaScript's single thread makes every
 * operation atomic.
 */
export function createMemoryStore(
  prefix: string,
  now: () => number = Date.now,
  log: Logger = silentLogger,
): Store {
  const entries = new Map<string, Entry>();
  const channels = new Map<string, Set<(message: string) => void>>();
  const k = (key: string) => prefix + key;

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  // Like Redis: get() of a hash is an error, getMany() answers null for it.
  const text = (entry: Entry | undefined) =>
    entry === undefined ? null : typeof entry.value === "string" ? entry.value : null;
  const hash = (key: string) => {
    const entry = live(key);
    if (entry && typeof entry.value === "string") throw wrongType();
    return entry as (Entry & { value: Map<string, string> }) | undefined;
  };
  const sweep = setInterval(() => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
  }, 30_000);
  // Never keep the process alive just to sweep.
  (sweep as unknown as { unref?: () => void }).unref?.();
  if (typeof Deno !== "undefined") Deno.unrefTimer(sweep as unknown as number);

  return {
    kind: "memory",
    get(key) {
      const entry = live(k(key));
      if (entry && typeof entry.value !== "string") return Promise.reject(wrongType());
      return Promise.resolve(text(entry));
    },
    getMany: (keys) => Promise.resolve(keys.map((key) => text(live(k(key))))),
    set(key, value, ttlMs) {
      entries.set(k(key), { value, expiresAt: ttlMs ? now() + ttlMs : Infinity });
      return Promise.resolve();
    },
    setIfAbsent(key, value, ttlMs) {
      if (live(k(key))) return Promise.resolve(false);
      entries.set(k(key), { value, expiresAt: now() + ttlMs });
      return Promise.resolve(true);
    },
    delete(...keys) {
      let removed = 0;
      for (const key of keys) if (live(k(key)) && entries.delete(k(key))) removed++;
      return Promise.resolve(removed);
    },
    deletePrefix(start) {
      let removed = 0;
      for (const key of [...entries.keys()]) {
        if (key.startsWith(k(start)) && live(key)) {
          entries.delete(key);
          removed++;
        }
      }
      return Promise.resolve(removed);
    },
    hashGetAll(key) {
      try {
        return Promise.resolve(Object.fromEntries(hash(k(key))?.value ?? []));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    hashSet(key, fields, ttlMs) {
      try {
        const entry = hash(k(key));
        const value = entry?.value ?? new Map<string, string>();
        for (const [field, v] of Object.entries(fields)) value.set(field, v);
        entries.set(k(key), { value, expiresAt: now() + ttlMs });
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    hashDelete(key, ...fields) {
      try {
        const entry = hash(k(key));
        if (!entry) return Promise.resolve(0);
        let removed = 0;
        for (const field of fields) if (entry.value.delete(field)) removed++;
        if (entry.value.size === 0) entries.delete(k(key));
        return Promise.resolve(removed);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    expire(key, ttlMs) {
      const entry = live(k(key));
      if (!entry) return Promise.resolve(false);
      entry.expiresAt = now() + ttlMs;
      return Promise.resolve(true);
    },
    increment(key, ttlMs, by = 1) {
      const entry = live(k(key));
      if (!entry) {
        entries.set(k(key), { value: String(by), expiresAt: now() + ttlMs });
        return Promise.resolve({ count: by, ttlMs });
      }
      entry.value = String(Number(entry.value) + by);
      const left = entry.expiresAt === Infinity ? -1 : entry.expiresAt - now();
      return Promise.resolve({ count: Number(entry.value), ttlMs: left });
    },
    publish(channel, message) {
      const handlers = channels.get(k(channel));
      if (handlers) {
        // Delivered asynchronously, as from a broker: publishers never run subscriber code.
        for (const handler of [...handlers]) {
          queueMicrotask(() => {
            // A faulty subscriber must not take the process (or the others) down with it.
            try {
              handler(message);
            } catch (error) {
              log.error("store subscriber failed", { channel, ...errorFields(error) });
            }
          });
        }
      }
      return Promise.resolve();
    },
    subscribe(channel, onMessage) {
      const name = k(channel);
      const handlers = channels.get(name) ?? new Set();
      handlers.add(onMessage);
      channels.set(name, handlers);
      return Promise.resolve(() => {
        handlers.delete(onMessage);
        if (handlers.size === 0) channels.delete(name);
        return Promise.resolve();
      });
    },
    ping: () => Promise.resolve(),
    close() {
      clearInterval(sweep);
      entries.clear();
      channels.clear();
      return Promise.resolve();
    },
  };
}
