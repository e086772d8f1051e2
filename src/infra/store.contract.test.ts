import { createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually, uniqueId } from "../../tests/harness.ts";
import { silentLogger } from "./log.ts";
import { openStore } from "./open-store.ts";
import { type Store, StoreUnavailableError } from "./store.ts";

/** How a contract run reaches one back end. */
interface StoreBackend {
  /** A store on this back end; the default prefix is unique, so tests never meet. */
  open(prefix?: string): Promise<Store>;
  /** A TTL short enough to wait out in a test. */
  shortTtlMs: number;
  /**
   * Lets a short TTL set before this call run out. The memory store's clock jumps; on Redis
   * real time passes, so this polls `gone` (a key set with the short TTL has disappeared).
   */
  expire(gone: () => Promise<boolean>): Promise<void>;
}

const freshPrefix = () => `test:${uniqueId()}:`;

/** The behaviour every Store must have, whatever is behind it. */
function storeContract(label: string, backend: StoreBackend) {
  describe(`Store contract: ${label}`, () => {
    const opened: Store[] = [];
    const open = async (prefix?: string) => {
      const store = await backend.open(prefix);
      opened.push(store);
      return store;
    };
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });
    const ttl = backend.shortTtlMs;
    const expire = (key: string) => backend.expire(async () => (await store.get(key)) === null);

    it("gets what was set, null for a missing key, and overwrites", async () => {
      expect(await store.get("greeting")).toBeNull();
      await store.set("greeting", "hello");
      expect(await store.get("greeting")).toBe("hello");
      await store.set("greeting", "bonjour");
      expect(await store.get("greeting")).toBe("bonjour");
      await store.set("empty", "");
      expect(await store.get("empty")).toBe("");
      await store.set("unicode", "pain au chocolat 🥐 ü");
      expect(await store.get("unicode")).toBe("pain au chocolat 🥐 ü");
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it("expires a key after its TTL and keeps the others", async () => {
      await store.set("short", "1", ttl);
      await store.set("long", "2", 60_000);
      await store.set("forever", "3");
      expect(await store.get("short")).toBe("1");
      await expire("short");
      expect(await store.getMany(["short", "long", "forever"])).toEqual([null, "2", "3"]);
    });

    it("drops an earlier TTL when a key is set again without one", async () => {
      await store.set("k", "old", ttl);
      await store.set("k", "new");
      await store.set("probe", "x", ttl);
      await expire("probe");
      expect(await store.get("k")).toBe("new");
    });

    it("getMany returns values in the order asked, with null for missing keys", async () => {
      await store.set("a", "A");
      await store.set("c", "C");
      expect(await store.getMany(["c", "missing", "a", "c"])).toEqual(["C", null, "A", "C"]);
      expect(await store.getMany([])).toEqual([]);
    });

    it("setIfAbsent sets once, refuses while the key lives, and sets again after expiry", async () => {
      expect(await store.setIfAbsent("lock", "first", ttl)).toBe(true);
      expect(await store.setIfAbsent("lock", "second", ttl)).toBe(false);
      expect(await store.get("lock")).toBe("first");
      await expire("lock");
      expect(await store.setIfAbsent("lock", "third", 60_000)).toBe(true);
      expect(await store.get("lock")).toBe("third");
    });

    it("setIfAbsent lets exactly one of many concurrent callers win", async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.setIfAbsent("once", String(i), 60_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get("once")).toBe(String(results.indexOf(true)));
    });

    it("deletes the keys given and counts only those that existed", async () => {
      await store.set("a", "1");
      await store.set("b", "2");
      await store.set("c", "3");
      expect(await store.delete("a", "missing", "b")).toBe(2);
      expect(await store.getMany(["a", "b", "c"])).toEqual([null, null, "3"]);
      expect(await store.delete()).toBe(0);
      expect(await store.delete("a")).toBe(0);
    });

    it("deletePrefix removes only the keys starting with the prefix", async () => {
      const keys = ["cache:a", "cache:b", "cache:ab:c", "cachex", "cache", "other:cache:a"];
      for (const key of keys) await store.set(key, key);
      expect(await store.deletePrefix("cache:")).toBe(3);
      expect(await store.getMany(keys)).toEqual([
        null,
        null,
        null,
        "cachex",
        "cache",
        "other:cache:a",
      ]);
      expect(await store.deletePrefix("cache:")).toBe(0);
    });

    it("deletePrefix reads glob characters in the prefix literally", async () => {
      const keys = ["p*:1", "p*:2", "px:1", "p?:1", "pa:1", "p[a]:1", "p\\:1", "p]:1"];
      for (const key of keys) await store.set(key, key);
      expect(await store.deletePrefix("p*")).toBe(2);
      expect(await store.deletePrefix("p?")).toBe(1);
      expect(await store.deletePrefix("p[a]")).toBe(1);
      expect(await store.deletePrefix("p\\")).toBe(1);
      expect(await store.getMany(keys)).toEqual([
        null,
        null,
        "px:1",
        null,
        "pa:1",
        null,
        null,
        "p]:1",
      ]);
    });

    it("deletePrefix removes many keys (more than one SCAN page)", async () => {
      const count = 1234;
      await Promise.all(
        Array.from({ length: count }, (_, i) => store.set(`bulk:${i}`, String(i), 60_000)),
      );
      await store.set("bulkhead", "keep");
      await store.set("keep:1", "keep");
      expect(await store.deletePrefix("bulk:")).toBe(count);
      const sample = await store.getMany(Array.from({ length: count }, (_, i) => `bulk:${i}`));
      expect(sample.every((v) => v === null)).toBe(true);
      expect(await store.getMany(["bulkhead", "keep:1"])).toEqual(["keep", "keep"]);
    });

    it("increment is atomic: 200 concurrent calls count 1..200 each exactly once", async () => {
      const results = await Promise.all(
        Array.from({ length: 200 }, () => store.increment("hits", 60_000)),
      );
      const counts = results.map((r) => r.count).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      for (const r of results) {
        expect(r.ttlMs).toBeGreaterThan(0);
        expect(r.ttlMs).toBeLessThanOrEqual(60_000);
      }
      expect(await store.get("hits")).toBe("200");
    });

    it("increment takes a step: minus one takes a count back, keeping the running TTL", async () => {
      await store.increment("steps", 60_000);
      await store.increment("steps", 60_000);
      const back = await store.increment("steps", 1000, -1);
      expect(back.count).toBe(1);
      expect(back.ttlMs).toBeGreaterThan(1000);
      expect((await store.increment("steps", 60_000, 5)).count).toBe(6);
      expect(await store.get("steps")).toBe("6");
    });

    it("increment sets the TTL on a new counter only, and starts again after expiry", async () => {
      const first = await store.increment("tries", ttl);
      expect(first.count).toBe(1);
      expect(first.ttlMs).toBeGreaterThan(0);
      expect(first.ttlMs).toBeLessThanOrEqual(ttl);
      // A later call with another TTL neither extends nor replaces the running one.
      const second = await store.increment("tries", 60_000);
      expect(second.count).toBe(2);
      expect(second.ttlMs).toBeLessThanOrEqual(ttl);
      await expire("tries");
      const again = await store.increment("tries", 60_000);
      expect(again.count).toBe(1);
      expect(again.ttlMs).toBeGreaterThan(ttl);
    });

    it("keeps hashes: set fields, read them all, delete some, gone with the last", async () => {
      expect(await store.hashGetAll("cart")).toEqual({});
      await store.hashSet("cart", { "12": "2", "7": "1" }, 60_000);
      await store.hashSet("cart", { "12": "3" }, 60_000);
      expect(await store.hashGetAll("cart")).toEqual({ "12": "3", "7": "1" });
      expect(await store.hashDelete("cart", "7", "99")).toBe(1);
      expect(await store.hashGetAll("cart")).toEqual({ "12": "3" });
      expect(await store.hashDelete("cart", "12")).toBe(1);
      expect(await store.hashGetAll("cart")).toEqual({});
      expect(await store.expire("cart", 60_000)).toBe(false);
    });

    it("expires a hash as a whole, and hashSet or expire start its TTL again", async () => {
      await store.hashSet("cart", { "1": "1" }, ttl);
      await store.hashSet("kept", { "1": "1" }, ttl);
      expect(await store.expire("kept", 60_000)).toBe(true);
      await backend.expire(async () => Object.keys(await store.hashGetAll("cart")).length === 0);
      expect(await store.hashGetAll("cart")).toEqual({});
      expect(await store.hashGetAll("kept")).toEqual({ "1": "1" });
    });

    it("refuses to read a hash as a string, like Redis", async () => {
      await store.hashSet("cart", { "1": "1" }, 60_000);
      await expect(store.get("cart")).rejects.toThrow(/WRONGTYPE/);
      expect(await store.getMany(["cart"])).toEqual([null]);
      expect(await store.deletePrefix("car")).toBe(1);
      expect(await store.hashGetAll("cart")).toEqual({});
    });

    it("publishes to every subscriber of a channel, not to others, not after unsubscribe", async () => {
      const a: string[] = [];
      const b: string[] = [];
      const other: string[] = [];
      const unsubscribeA = await store.subscribe("orders", (m) => a.push(m));
      const unsubscribeB = await store.subscribe("orders", (m) => b.push(m));
      const unsubscribeOther = await store.subscribe("orders:other", (m) => other.push(m));

      await store.publish("orders", "m1");
      await eventually(() => a.length === 1 && b.length === 1);
      await store.publish("orders:other", "x1");
      await eventually(() => other.length === 1);
      expect([a, b, other]).toEqual([["m1"], ["m1"], ["x1"]]);

      await unsubscribeA();
      await store.publish("orders", "m2");
      // Both handlers hang off one connection: by the time B has m2, A would have it too.
      await eventually(() => b.length === 2);
      expect(a).toEqual(["m1"]);
      expect(b).toEqual(["m1", "m2"]);

      await unsubscribeB();
      await store.publish("orders", "m3");
      await store.publish("orders:other", "x2");
      await eventually(() => other.length === 2);
      expect(b).toEqual(["m1", "m2"]);
      await unsubscribeOther();

      // A channel left by everyone can be joined again.
      const again: string[] = [];
      await store.subscribe("orders", (m) => again.push(m));
      await store.publish("orders", "m4");
      await eventually(() => again.length === 1);
      expect(again).toEqual(["m4"]);
    });

    it("subscribe resolves only once subscribed, also for concurrent subscribers", async () => {
      const a: string[] = [];
      const b: string[] = [];
      await Promise.all([
        store.subscribe("news", (m) => a.push(m)),
        store.subscribe("news", (m) => b.push(m)),
      ]);
      await store.publish("news", "first");
      await eventually(() => a.length === 1 && b.length === 1);
      expect([a, b]).toEqual([["first"], ["first"]]);
    });

    it("keeps delivering to other subscribers when one subscriber throws", async () => {
      const got: string[] = [];
      await store.subscribe("fragile", () => {
        throw new Error("subscriber bug");
      });
      await store.subscribe("fragile", (m) => got.push(m));
      await store.publish("fragile", "1");
      await store.publish("fragile", "2");
      await eventually(() => got.length === 2);
      expect(got).toEqual(["1", "2"]);
      await store.ping();
    });

    it("isolates two stores with different prefixes on the same back end", async () => {
      const other = await open();
      await store.set("k", "mine");
      expect(await other.get("k")).toBeNull();
      await other.set("k", "theirs");
      await other.set("shared:1", "theirs");
      expect(await store.get("k")).toBe("mine");

      expect(await store.deletePrefix("")).toBe(1);
      expect(await other.getMany(["k", "shared:1"])).toEqual(["theirs", "theirs"]);
      expect(await store.delete("shared:1")).toBe(0);

      expect((await store.increment("n", 60_000)).count).toBe(1);
      expect((await other.increment("n", 60_000)).count).toBe(1);
      expect((await store.increment("n", 60_000)).count).toBe(2);

      const mine: string[] = [];
      const theirs: string[] = [];
      await store.subscribe("events", (m) => mine.push(m));
      await other.subscribe("events", (m) => theirs.push(m));
      await store.publish("events", "from-mine");
      await eventually(() => mine.length === 1);
      await other.publish("events", "from-theirs");
      await eventually(() => theirs.length === 1);
      expect(mine).toEqual(["from-mine"]);
      expect(theirs).toEqual(["from-theirs"]);
    });
  });
}

let clock = Date.UTC(2026, 0, 1, 6, 0, 0);
storeContract("memory", {
  open: (prefix = freshPrefix()) => openStore({ prefix, log: silentLogger, now: () => clock }),
  shortTtlMs: 1000,
  expire: () => {
    clock += 1000;
    return Promise.resolve();
  },
});

describe("memory store clock", () => {
  it("keeps a key until the last millisecond of its TTL", async () => {
    let now = 0;
    const store = await openStore({ prefix: "clock:", log: silentLogger, now: () => now });
    await store.set("k", "v", 1000);
    const counter = await store.increment("n", 1000);
    expect(counter.ttlMs).toBe(1000);
    now = 600;
    expect(await store.increment("n", 1000)).toEqual({ count: 2, ttlMs: 400 });
    now = 999;
    expect(await store.get("k")).toBe("v");
    now = 1000;
    expect(await store.getMany(["k", "n"])).toEqual([null, null]);
    await store.close();
  });
});

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  storeContract("redis", {
    open: (prefix = freshPrefix()) => openStore({ url: redisUrl, prefix, log: silentLogger }),
    shortTtlMs: 200,
    expire: async (gone) => void await eventually(gone, { timeoutMs: 5000, intervalMs: 20 }),
  });

  describe("Redis store shared by two app instances", () => {
    it("shares keys and messages between stores with the same prefix", async () => {
      const prefix = freshPrefix();
      const a = await openStore({ url: redisUrl, prefix, log: silentLogger });
      const b = await openStore({ url: redisUrl, prefix, log: silentLogger });
      try {
        await a.set("k", "from a");
        expect(await b.get("k")).toBe("from a");
        const got: string[] = [];
        await b.subscribe("board", (m) => got.push(m));
        await a.publish("board", "ticket 1");
        await eventually(() => got.length === 1);
        expect(got).toEqual(["ticket 1"]);
        expect((await a.increment("n", 60_000)).count).toBe(1);
        expect((await b.increment("n", 60_000)).count).toBe(2);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}

describe("Redis store when Redis cannot be reached", () => {
  it("rejects opening with StoreUnavailableError", async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const started = Date.now();
    await expect(
      openStore({ url: `redis://127.0.0.1:${port}`, prefix: "x:", log: silentLogger }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
