import { silentLogger } from "../src/infra/log.ts";
import { type Store, StoreUnavailableError } from "../src/infra/store.ts";
import { withCircuitBreaker } from "../src/infra/store-breaker.ts";
import { createTestStore, uniqueId } from "./harness.ts";
import { proxied, type Proxy } from "./tcp-proxy.ts";
import { openStore } from "../src/infra/open-store.ts";

/**
 * A store whose network a test breaks: on the real Redis through the TCP proxy (cut: the
 * connection is reset and refused; hung: packets go nowhere, so commands wait out their
 * timeout), on the embedded store by failing its calls the same two ways. Either way the
 * circuit breaker the app uses sits in front, as in production.
 */
export interface StoreOutage {
  store: Store;
  /** Every call fails at once, as when Redis is down. */
  cut(): Promise<void>;
  /** Every call waits out the command timeout (2 s) and fails, as when Redis hangs. */
  hang(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** ioredis's command timeout in store-redis.ts. */
export const COMMAND_TIMEOUT_MS = 2000;
const PROBE_EVERY_MS = 200;

export async function storeOutage(): Promise<StoreOutage> {
  const url = process.env.REDIS_URL;
  return url ? await redisOutage(url) : await embeddedOutage();
}

async function redisOutage(url: string): Promise<StoreOutage> {
  const { proxy, url: via }: { proxy: Proxy; url: string } = await proxied(url, 6379);
  const store = await openStore({
    url: via,
    prefix: `test:${uniqueId()}:`,
    log: silentLogger,
    probeEveryMs: PROBE_EVERY_MS,
  });
  let refused = false;
  return {
    store,
    cut: async () => {
      await proxy.refuse(true);
      refused = true;
      proxy.cut();
    },
    hang: () => Promise.resolve(proxy.silence(true)),
    restore: async () => {
      proxy.silence(false);
      if (refused) await proxy.refuse(false);
      refused = false;
    },
    close: async () => {
      await store.close();
      await proxy.close();
    },
  };
}

async function embeddedOutage(): Promise<StoreOutage> {
  const inner = await createTestStore();
  let mode: "up" | "cut" | "hung" = "up";
  const faulty = <A extends unknown[], T>(call: (...args: A) => Promise<T>) =>
  async (
    ...args: A
  ): Promise<T> => {
    if (mode === "hung") {
      await new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS));
      throw new StoreUnavailableError("Redis: Command timed out");
    }
    if (mode === "cut") throw new StoreUnavailableError("Redis: Connection is closed.");
    return await call(...args);
  };
  const store: Store = {
    kind: inner.kind,
    get: faulty(inner.get),
    getMany: faulty(inner.getMany),
    set: faulty(inner.set),
    setIfAbsent: faulty(inner.setIfAbsent),
    delete: faulty(inner.delete),
    deletePrefix: faulty(inner.deletePrefix),
    increment: faulty(inner.increment),
    hashGetAll: faulty(inner.hashGetAll),
    hashSet: faulty(inner.hashSet),
    hashDelete: faulty(inner.hashDelete),
    expire: faulty(inner.expire),
    publish: faulty(inner.publish),
    subscribe: inner.subscribe,
    ping: faulty(inner.ping),
    close: inner.close,
  };
  const guarded = withCircuitBreaker(store, { log: silentLogger, probeEveryMs: PROBE_EVERY_MS });
  return {
    store: guarded,
    cut: () => Promise.resolve(void (mode = "cut")),
    hang: () => Promise.resolve(void (mode = "hung")),
    restore: () => Promise.resolve(void (mode = "up")),
    close: () => guarded.close(),
  };
}
