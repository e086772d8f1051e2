import { describe, expect, it } from "vitest";
import { eventually } from "../../tests/harness.ts";
import { createDatabaseWatch, isDatabaseUnavailable } from "./db-watch.ts";
import { silentLogger } from "./log.ts";

/** The database watch: probes only when told something looks wrong, down until it answers. */

function fakeDatabase() {
  const state = { mode: "up" as "up" | "cut" | "hung", pings: 0 };
  const ping = () => {
    state.pings++;
    if (state.mode === "cut") {
      return Promise.reject(
        Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      );
    }
    if (state.mode === "hung") return new Promise<void>(() => {});
    return Promise.resolve();
  };
  return { ping, state };
}

describe("database watch", () => {
  it("stays quiet while nothing looks wrong", async () => {
    const db = fakeDatabase();
    const watch = createDatabaseWatch(db.ping, silentLogger, { probeEveryMs: 20 });
    watch.check();
    await eventually(() => db.state.pings === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(db.state.pings).toBe(1);
    expect(watch.down).toBe(false);
    watch.close();
  });

  for (const mode of ["cut", "hung"] as const) {
    it(`finds a ${mode} database down, tells the waiting requests, and sees it return`, async () => {
      const db = fakeDatabase();
      const watch = createDatabaseWatch(db.ping, silentLogger, {
        probeEveryMs: 20,
        pingTimeoutMs: 100,
      });
      let told = 0;
      const unsubscribed = watch.onDown(() => told--);
      unsubscribed();
      watch.onDown(() => told++);
      db.state.mode = mode;
      const started = Date.now();
      watch.check();
      watch.check(); // one probe at a time
      await eventually(() => watch.down);
      expect(Date.now() - started).toBeLessThan(mode === "hung" ? 1000 : 500);
      expect(told).toBe(1);
      db.state.mode = "up";
      await eventually(() => !watch.down, { timeoutMs: 1000 });
      watch.close();
    });
  }

  it("knows connection failures from other errors", () => {
    for (const code of ["ECONNREFUSED", "CONNECTION_CLOSED", "CONNECT_TIMEOUT", "57P01", "08006"]) {
      expect(isDatabaseUnavailable(Object.assign(new Error(code), { code }))).toBe(true);
    }
    for (const code of ["23505", "22P02", "40001", undefined]) {
      expect(isDatabaseUnavailable(Object.assign(new Error("query"), { code }))).toBe(false);
    }
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
