import { describe, expect, it } from "vitest";
import { gate } from "../../tests/harness.ts";
import { AppError } from "../http/errors.ts";
import { createPasswordChecks } from "./password-checks.ts";

/** The bounded queue every argon2 hash and check waits in. */

const refusal = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { status: error.status, retryAfter: error.headers?.["Retry-After"] };
  }
  throw new Error("expected a refusal");
};

describe("password checks", () => {
  it("runs `concurrency` at once, queues the next in order, and refuses past the queue", async () => {
    const checks = createPasswordChecks({ concurrency: 1, queueSize: 2, perClient: 5 });
    const started: string[] = [];
    const holds = [gate(), gate(), gate()];
    const job = (name: string, hold: Promise<void>) =>
      checks.run(`client-${name}`, async () => {
        started.push(name);
        await hold;
        return name;
      });
    const a = job("a", holds[0].closed);
    const b = job("b", holds[1].closed);
    const c = job("c", holds[2].closed);
    expect(checks.load()).toEqual({ running: 1, waiting: 2 });
    // The queue is full: the shop answers at once instead of piling requests up.
    expect(await refusal(job("d", Promise.resolve()))).toEqual({ status: 503, retryAfter: "2" });
    expect(started).toEqual(["a"]);
    holds[0].open();
    expect(await a).toBe("a");
    holds[1].open();
    holds[2].open();
    expect([await b, await c]).toEqual(["b", "c"]);
    expect(started).toEqual(["a", "b", "c"]);
    expect(checks.load()).toEqual({ running: 0, waiting: 0 });
  });

  it("lets one client network hold only its share of the places", async () => {
    const checks = createPasswordChecks({ concurrency: 1, queueSize: 10, perClient: 2 });
    const hold = gate();
    const mine = [1, 2].map(() => checks.run("198.51.100.1", () => hold.closed));
    expect(await refusal(checks.run("198.51.100.1", () => Promise.resolve())))
      .toEqual({ status: 429, retryAfter: "1" });
    // Others still get in line.
    const theirs = checks.run("203.0.113.5", () => Promise.resolve("theirs"));
    hold.open();
    await Promise.all(mine);
    expect(await theirs).toBe("theirs");
    // Places are given back, also when the work fails.
    await expect(checks.run("198.51.100.1", () => Promise.reject(new Error("boom"))))
      .rejects.toThrow("boom");
    expect(await checks.run("198.51.100.1", () => Promise.resolve("again"))).toBe("again");
  });

  it("gives up on a wait longer than maxWaitMs, with 503", async () => {
    const checks = createPasswordChecks({ concurrency: 1, queueSize: 5, maxWaitMs: 50 });
    const hold = gate();
    const first = checks.run("a", () => hold.closed);
    expect(await refusal(checks.run("b", () => Promise.resolve()))).toEqual({
      status: 503,
      retryAfter: "2",
    });
    expect(checks.load()).toEqual({ running: 1, waiting: 0 });
    hold.open();
    await first;
  });
});
