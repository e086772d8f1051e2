import { createMemoryStore } from "./store-memory.ts";
import { createRedisStore } from "./store-redis.ts";
import type { Store, StoreOptions } from "./store.ts";

/** Redis when a URL is given, otherwise the in-process store with the same semantics. */
export function openStore(options: StoreOptions): Promise<Store> {
  return options.url
    ? createRedisStore(options.url, options.prefix, options.log)
    : Promise.resolve(createMemoryStore(options.prefix, options.now, options.log));
}
