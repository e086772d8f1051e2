import { describe, expect, it } from "vitest";
import { eventually } from "../../tests/harness.ts";
import { silentLogger } from "./log.ts";
import { type Store, StoreUnavailableError } from "./store.ts";
import { createMemoryStore } from "./store-memory.ts";
import { withCircuitBreaker } from "./store-breaker.ts";

/** The circuit breaker in front of Redis: one failure opens it, one answer closes it. */

function flakyStore() {
  const inner = createMemoryStore("breaker:");
  const state = { failing: false as false | "unavailable" | "reply", calls: 0 };
  const call =
    <A extends unknown[], T>(fn: (...args: A) => Promise<T>) => async (...args: A): Promise<T> => {
      state.calls++;
      if (state.failing === "unavailable") {
        throw new StoreUnavailableError("Redis: Command timed out");
      }
      if (state.failing === "reply") {
        throw Object.assign(new Error("WRONGTYPE wrong kind of value"), { name: "ReplyError" });
      }
      return await fn(...args);
    };
  const store: Store = {
    ...inner,
    get: call(inner.get),
    set: call(inner.set),
    increment: call(inner.increment),
    ping: call(inner.ping),
  };
  return { store, state };
}

describe("store circuit breaker", () => {
  it("after one failure answers at once without calling the store, until a probe succeeds", async () => {
    const { store, state } = flakyStore();
    const guarded = withCircuitBreaker(store, { log: silentLogger, probeEveryMs: 50 });
    try {
      await guarded.set("k", "v");
      state.failing = "unavailable";
      await expect(guarded.get("k")).rejects.toBeInstanceOf(StoreUnavailableError);
      const callsWhenOpened = state.calls;
      for (let i = 0; i < 20; i++) {
        await expect(guarded.get("k")).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(guarded.increment("n", 1000)).rejects.toBeInstanceOf(StoreUnavailableError);
      }
      // Forty calls, none of them reached the store (only probes, one at a time, did).
      expect(state.calls - callsWhenOpened).toBeLessThan(5);
      state.failing = false;
      await eventually(async () => (await guarded.get("k").catch(() => null)) === "v", {
        timeoutMs: 2000,
      });
    } finally {
      await guarded.close();
    }
  });

  it("stays closed when Redis answers with an error of the command", async () => {
    const { store, state } = flakyStore();
    const guarded = withCircuitBreaker(store, { log: silentLogger, probeEveryMs: 50 });
    try {
      state.failing = "reply";
      await expect(guarded.get("k")).rejects.toThrow(/WRONGTYPE/);
      state.failing = false;
      await guarded.set("k", "v");
      expect(await guarded.get("k")).toBe("v");
    } finally {
      await guarded.close();
    }
  });
});
