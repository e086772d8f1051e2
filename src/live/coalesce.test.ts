import { describe, expect, it } from "vitest";
import { coalesce } from "./coalesce.ts";

describe("coalesce", () => {
  it("runs at once after a quiet spell, and once more for a whole burst behind a run", async () => {
    let runs = 0;
    let release!: () => void;
    const work = coalesce(() => {
      runs++;
      return runs === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    }, 0);
    const first = work();
    expect(runs).toBe(1);
    const burst = Array.from({ length: 10 }, () => work());
    expect(new Set(burst).size).toBe(1); // all share the one following run
    release();
    await Promise.all([first, ...burst]);
    expect(runs).toBe(2);
  });

  it("keeps runs at least the gap apart, and every caller sees a run that started after it called", async () => {
    const starts: number[] = [];
    const work = coalesce(() => {
      starts.push(Date.now());
      return Promise.resolve();
    }, 40);
    await work();
    const calledAt = Date.now();
    await work();
    expect(starts).toHaveLength(2);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(39);
    expect(starts[1]).toBeGreaterThanOrEqual(calledAt);
  });

  it("carries on after a failed run", async () => {
    let fail = true;
    const work = coalesce(
      () => fail ? Promise.reject(new Error("store down")) : Promise.resolve(),
      0,
    );
    await expect(work()).rejects.toThrow("store down");
    fail = false;
    await expect(work()).resolves.toBeUndefined();
  });
});
