import { createMemoryStore } from "./store-memory.ts";
import { createRedisStore } from "./store-redis.ts";
import { withCircuitBreaker } from "./store-breaker.ts";
import type { Store, StoreOptions } from "./store.ts";

/**
 * Redis when a URL is given (behind a circuit breaker, see store-breaker.ts), otherwise the
 * in-process store with the same semantics.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (!options.url) return createMemoryStore(options.prefix, options.now, options.log);
  const redis = await createRedisStore(options.url, options.prefix, options.log);
  return withCircuitBreaker(redis, { log: options.log, probeEveryMs: options.probeEveryMs });
}
