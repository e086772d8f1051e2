import type { Logger } from "../infra/log.ts";
import type { Store } from "../infra/store.ts";

/**
 * The catalog cache: JSON entries under `catalog:` with a TTL ceiling. Every write to a
 * product or category drops them all at once (writes are rare, reads are constant). The
 * drop is repeated shortly after, so a read that loaded the old rows just before the write
 * committed cannot keep them in the cache. Stock is never stored here.
 */
export const CATALOG_PREFIX = "catalog:";
const SECOND_DROP_MS = 750;

export interface CatalogCache {
  /** Values for the keys, loading and storing the missing ones. */
  read<T extends unknown[]>(
    entries: { [K in keyof T]: { key: string; load: () => Promise<T[K]> } },
  ): Promise<T>;
  invalidate(): Promise<void>;
}

/** The result of a store call, or undefined when it failed in any way. */
async function attempt<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch {
    return undefined;
  }
}

export function createCatalogCache(store: Store, log: Logger, ttlMs: number): CatalogCache {
  const drop = async () => {
    try {
      await store.deletePrefix(CATALOG_PREFIX);
    } catch (error) {
      log.warn("catalog cache not invalidated", { error: (error as Error).message });
    }
  };
  // The last parsed value per key: an unchanged entry is not parsed again on every request.
  // Values are shared between requests, so nobody may modify them.
  const parsed = new Map<string, { raw: string; value: unknown }>();
  const parse = (key: string, raw: string) => {
    const memo = parsed.get(key);
    if (memo?.raw === raw) return memo.value;
    const value = JSON.parse(raw);
    if (parsed.size >= 1000) parsed.clear();
    parsed.set(key, { raw, value });
    return value;
  };
  return {
    async read(entries) {
      const keys = entries.map((e) => CATALOG_PREFIX + e.key);
      // The store being down (or answering nonsense) only costs speed: the database
      // answers instead. Calls are wrapped so a synchronous throw is handled the same way.
      const cached = await attempt(() => store.getMany(keys)) ?? [];
      return await Promise.all(entries.map(async (entry, i) => {
        const hit = cached[i];
        if (typeof hit === "string") {
          try {
            return parse(keys[i], hit);
          } catch { /* a damaged entry is replaced below */ }
        }
        const value = await entry.load();
        void attempt(() => store.set(keys[i], JSON.stringify(value), ttlMs));
        return value;
      })) as never;
    },
    async invalidate() {
      await drop();
      const timer = setTimeout(drop, SECOND_DROP_MS);
      if (typeof Deno !== "undefined") Deno.unrefTimer(timer as unknown as number);
    },
  };
}
