import { Redis } from "ioredis";
import type { Logger } from "./log.ts";
import { type Store, StoreUnavailableError } from "./store.ts";

const reconnectDelay = (attempt: number) => Math.min(200 * 2 ** attempt, 10_000);

/** Starts at one and sets the expiry only when the counter is new: atomic in Redis. */
const incrementScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

/**
 * Redis through ioredis. Commands fail fast while the connection is down (no offline
 * queue), so callers fall back to the database instead of hanging; ioredis reconnects
 * with backoff and the subscriber resubscribes by itself.
 */
export async function createRedisStore(url: string, prefix: string, log: Logger): Promise<Store> {
  const common = {
    retryStrategy: reconnectDelay,
    lazyConnect: true,
    connectionName: "crumb",
  };
  const client = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // The subscriber queues its SUBSCRIBE commands until the connection is back.
  const subscriber = new Redis(url, { ...common, enableOfflineQueue: true });
  watchConnection(client, log, "redis");
  watchConnection(subscriber, log, "redis subscriber");
  await Promise.all([client.connect(), subscriber.connect()]);

  const k = (key: string) => prefix + key;
  const handlers = new Map<string, Set<(message: string) => void>>();
  subscriber.on("message", (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message);
  });

  const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      throw new StoreUnavailableError(`Redis: ${(error as Error).message}`, { cause: error });
    }
  };

  return {
    kind: "redis",
    get: (key) => guard(() => client.get(k(key))),
    getMany: (keys) => keys.length ? guard(() => client.mget(keys.map(k))) : Promise.resolve([]),
    set: (key, value, ttlMs) =>
      guard(async () => {
        if (ttlMs) await client.set(k(key), value, "PX", ttlMs);
        else await client.set(k(key), value);
      }),
    setIfAbsent: (key, value, ttlMs) =>
      guard(async () => (await client.set(k(key), value, "PX", ttlMs, "NX")) === "OK"),
    delete: (...keys) => keys.length ? guard(() => client.del(...keys.map(k))) : Promise.resolve(0),
    deletePrefix: (start) =>
      guard(async () => {
        let removed = 0;
        let cursor = "0";
        const pattern = `${k(start).replace(/[*?[\]\\]/g, "\\$&")}*`;
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 500);
          cursor = next;
          if (keys.length) removed += await client.unlink(...keys);
        } while (cursor !== "0");
        return removed;
      }),
    increment: (key, ttlMs) =>
      guard(async () => {
        const [count, left] = await client.eval(incrementScript, 1, k(key), ttlMs) as [
          number,
          number,
        ];
        return { count, ttlMs: left };
      }),
    publish: (channel, message) =>
      guard(async () => void await client.publish(k(channel), message)),
    subscribe: async (channel, onMessage) => {
      const name = k(channel);
      let set = handlers.get(name);
      if (!set) {
        set = new Set();
        handlers.set(name, set);
        await subscriber.subscribe(name);
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
        if (set.size === 0 && handlers.get(name) === set) {
          handlers.delete(name);
          await subscriber.unsubscribe(name).catch(() => {});
        }
      };
    },
    ping: () => guard(async () => void await client.ping()),
    close: async () => {
      handlers.clear();
      await Promise.allSettled([client.quit(), subscriber.quit()]);
      client.disconnect();
      subscriber.disconnect();
    },
  };
}

/** Logs a lost connection once, and its return once, instead of every retry. */
function watchConnection(redis: Redis, log: Logger, name: string) {
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    log.warn(`${name} connection lost; retrying with backoff`, { error: error.message });
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    log.info(`${name} connection restored`);
  });
}
