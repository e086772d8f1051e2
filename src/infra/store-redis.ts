import { Redis } from "ioredis";
import { errorFields, type Logger } from "./log.ts";
import { type Store, StoreUnavailableError } from "./store.ts";

const reconnectDelay = (attempt: number) => Math.min(200 * 2 ** attempt, 10_000);

/** Adds and sets the expiry only when the counter has none (it is new): atomic in Redis. */
const incrementScript = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

/** A command unanswered this long fails, so a silent network (no RST) never hangs a request. */
const COMMAND_TIMEOUT_MS = 2000;

interface Channel {
  handlers: Set<(message: string) => void>;
  /** Settles once Redis confirmed the SUBSCRIBE for this channel. */
  ready: Promise<void>;
}

/**
 * Redis through ioredis. Commands fail fast while the connection is down (no offline
 * queue) or silent (command timeout), so callers fall back to the database instead of
 * hanging; ioredis reconnects with backoff and the subscriber resubscribes by itself.
 */
export async function createRedisStore(url: string, prefix: string, log: Logger): Promise<Store> {
  const common = {
    retryStrategy: reconnectDelay,
    lazyConnect: true,
    connectionName: "crumb",
  };
  const client = new Redis(url, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Commands sent in the same turn of the event loop go out in one write: a checkout
    // publishes its stock, order and board events together.
    enableAutoPipelining: true,
  });
  // The subscriber queues its SUBSCRIBE commands until the connection is back.
  const subscriber = new Redis(url, { ...common, enableOfflineQueue: true });
  let lastError: Error | undefined;
  client.on("error", (error: Error) => (lastError = error));
  watchConnection(client, log, "redis");
  watchConnection(subscriber, log, "redis subscriber");
  const connected = await Promise.allSettled([client.connect(), subscriber.connect()]);
  const failed = connected.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    // Otherwise both clients would go on reconnecting in the background for ever.
    client.disconnect();
    subscriber.disconnect();
    const reason = lastError?.message ?? (failed.reason as Error).message;
    throw new StoreUnavailableError(`Redis at ${new URL(url).host} is unreachable: ${reason}`, {
      cause: failed.reason,
    });
  }

  const k = (key: string) => prefix + key;
  const channels = new Map<string, Channel>();
  subscriber.on("message", (channel: string, message: string) => {
    for (const handler of [...channels.get(channel)?.handlers ?? []]) {
      // One faulty subscriber must neither starve the others nor break the connection.
      try {
        handler(message);
      } catch (error) {
        log.error("store subscriber failed", { channel, ...errorFields(error) });
      }
    }
  });

  const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      // Redis answered, with an error of the command (WRONGTYPE …): it is not unavailable.
      if ((error as Error).name === "ReplyError") throw error;
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
    hashGetAll: (key) => guard(() => client.hgetall(k(key))),
    hashSet: (key, fields, ttlMs) =>
      guard(async () => {
        const [[error]] = await client.multi().hset(k(key), fields).pexpire(k(key), ttlMs)
          .exec() as [Error | null, unknown][];
        if (error) throw error;
      }),
    hashDelete: (key, ...fields) =>
      fields.length ? guard(() => client.hdel(k(key), ...fields)) : Promise.resolve(0),
    expire: (key, ttlMs) => guard(async () => (await client.pexpire(k(key), ttlMs)) === 1),
    increment: (key, ttlMs, by = 1) =>
      guard(async () => {
        const [count, left] = await client.eval(incrementScript, 1, k(key), ttlMs, by) as [
          number,
          number,
        ];
        return { count, ttlMs: left };
      }),
    publish: (channel, message) =>
      guard(async () => void await client.publish(k(channel), message)),
    subscribe: async (channel, onMessage) => {
      const name = k(channel);
      let entry = channels.get(name);
      if (!entry) {
        const created: Channel = {
          handlers: new Set(),
          ready: subscriber.subscribe(name).then(() => {}),
        };
        created.ready.catch(() => {
          if (channels.get(name) === created) channels.delete(name);
        });
        channels.set(name, created);
        entry = created;
      }
      const joined = entry;
      joined.handlers.add(onMessage);
      // Every caller waits for the SUBSCRIBE, not only the first one on the channel.
      try {
        await joined.ready;
      } catch (error) {
        joined.handlers.delete(onMessage);
        throw new StoreUnavailableError(`Redis: ${(error as Error).message}`, { cause: error });
      }
      return async () => {
        joined.handlers.delete(onMessage);
        if (joined.handlers.size === 0 && channels.get(name) === joined) {
          channels.delete(name);
          await subscriber.unsubscribe(name).catch(() => {});
        }
      };
    },
    ping: () => guard(async () => void await client.ping()),
    close: async () => {
      channels.clear();
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
