import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestStore, uniqueId } from "../../tests/harness.ts";
import type { Store } from "../infra/store.ts";
import { createRateLimiter, type Limit, rateLimitHeaders } from "./rate-limit.ts";

/** The window counters behind the API budget and the sign-in lockout (memory or Redis). */

let store: Store;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store?.close());

const MINUTE = 60_000;
/** A clock the test moves; starts on a whole hour so window edges are easy to name. */
function clock(start = Date.UTC(2030, 0, 1, 12)) {
  let t = start;
  return {
    now: () => t,
    set: (ms: number) => void (t = ms),
    advance: (ms: number) => void (t += ms),
    start,
  };
}

describe("fixed window (the API budget)", () => {
  const rule = (): Limit => ({ bucket: `api-${uniqueId()}`, limit: 3, windowMs: MINUTE });

  it("allows the limit, refuses the next, and starts afresh next window", async () => {
    const c = clock();
    const limiter = createRateLimiter(store, c.now);
    const r = rule();
    c.advance(15_000);
    const states = [];
    for (let i = 0; i < 4; i++) states.push(await limiter.hit(r, "ip:a"));
    expect(states.map((s) => [s.allowed, s.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(states[3].resetMs).toBe(45_000);
    c.advance(45_000);
    expect(await limiter.hit(r, "ip:a")).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("counts each client on its own", async () => {
    const limiter = createRateLimiter(store, clock().now);
    const r = rule();
    for (let i = 0; i < 3; i++) await limiter.hit(r, "ip:a");
    expect((await limiter.hit(r, "ip:a")).allowed).toBe(false);
    expect((await limiter.hit(r, "ip:b")).allowed).toBe(true);
    expect((await limiter.hit(r, "user:1")).allowed).toBe(true);
  });

  it("peek does not count; reset forgets", async () => {
    const limiter = createRateLimiter(store, clock().now);
    const r = rule();
    for (let i = 0; i < 5; i++) expect((await limiter.peek(r, "x")).allowed).toBe(true);
    for (let i = 0; i < 3; i++) await limiter.hit(r, "x");
    expect(await limiter.peek(r, "x")).toMatchObject({ allowed: false, remaining: 0 });
    await limiter.reset(r, "x");
    expect(await limiter.peek(r, "x")).toMatchObject({ allowed: true, remaining: 3 });
  });

  it("counts parallel hits exactly", async () => {
    const limiter = createRateLimiter(store, clock().now);
    const r = { ...rule(), limit: 10 };
    const states = await Promise.all(Array.from({ length: 25 }, () => limiter.hit(r, "burst")));
    expect(states.filter((s) => s.allowed)).toHaveLength(10);
  });
});

describe("sliding window (the sign-in lockout)", () => {
  const rule = (): Limit => ({
    bucket: `signin-${uniqueId()}`,
    limit: 5,
    windowMs: 15 * MINUTE,
    slices: 15,
  });

  it("no burst at a window edge: five just before it, none just after", async () => {
    const c = clock();
    const limiter = createRateLimiter(store, c.now);
    const r = rule();
    c.set(c.start + 15 * MINUTE - 1000);
    for (let i = 0; i < 5; i++) expect((await limiter.hit(r, "who")).allowed).toBe(true);
    c.advance(2000);
    expect(await limiter.peek(r, "who")).toMatchObject({ allowed: false, remaining: 0 });
    expect((await limiter.hit(r, "who")).allowed).toBe(false);
  });

  it("a request counts for at least the window and at most one step longer", async () => {
    const c = clock();
    const limiter = createRateLimiter(store, c.now);
    const r = rule();
    c.advance(30_000);
    for (let i = 0; i < 5; i++) await limiter.hit(r, "who");
    const blocked = await limiter.peek(r, "who");
    expect(blocked.allowed).toBe(false);
    // The step of the hits (12:00–12:01) leaves the window at 12:16.
    expect(blocked.resetMs).toBe(15 * MINUTE + 30_000);
    c.advance(15 * MINUTE);
    expect((await limiter.peek(r, "who")).allowed).toBe(false);
    c.advance(30_000 - 1);
    expect((await limiter.peek(r, "who")).allowed).toBe(false);
    c.advance(1);
    expect(await limiter.peek(r, "who")).toMatchObject({ allowed: true, remaining: 5 });
  });

  it("room comes back as the oldest requests leave", async () => {
    const c = clock();
    const limiter = createRateLimiter(store, c.now);
    const r = rule();
    for (let i = 0; i < 3; i++) await limiter.hit(r, "who"); // 12:00
    c.advance(5 * MINUTE);
    for (let i = 0; i < 2; i++) await limiter.hit(r, "who"); // 12:05
    const full = await limiter.peek(r, "who");
    expect(full).toMatchObject({ allowed: false, remaining: 0 });
    // The three of 12:00 leave at 12:16: then two are counted and three fit.
    expect(full.resetMs).toBe(11 * MINUTE);
    c.advance(full.resetMs);
    expect(await limiter.peek(r, "who")).toMatchObject({ allowed: true, remaining: 3 });
    c.advance(5 * MINUTE);
    expect(await limiter.peek(r, "who")).toMatchObject({ allowed: true, remaining: 5 });
  });

  it("over the limit, room needs enough requests to leave", async () => {
    const c = clock();
    const limiter = createRateLimiter(store, c.now);
    const r = rule();
    for (let i = 0; i < 4; i++) await limiter.hit(r, "who"); // 12:00
    c.advance(3 * MINUTE);
    for (let i = 0; i < 3; i++) await limiter.hit(r, "who"); // 12:03: 7 counted
    const state = await limiter.hit(r, "who"); // 8
    expect(state.allowed).toBe(false);
    // Four must leave before a ninth fits; those of 12:00 do at 12:16.
    expect(state.resetMs).toBe(13 * MINUTE);
  });

  it("reset forgets every step", async () => {
    const c = clock();
    const limiter = createRateLimiter(store, c.now);
    const r = rule();
    for (let i = 0; i < 3; i++) {
      await limiter.hit(r, "who");
      c.advance(4 * MINUTE);
    }
    await limiter.reset(r, "who");
    expect(await limiter.peek(r, "who")).toMatchObject({ allowed: true, remaining: 5 });
  });
});

describe("rateLimitHeaders", () => {
  const rule: Limit = { bucket: "api", limit: 100, windowMs: MINUTE };

  it("RateLimit and RateLimit-Policy, and Retry-After only when refused", () => {
    expect(
      rateLimitHeaders({ allowed: true, limit: 100, remaining: 99, resetMs: 59_001 }, rule),
    ).toEqual({ "RateLimit": "limit=100, remaining=99, reset=60", "RateLimit-Policy": "100;w=60" });
    expect(
      rateLimitHeaders({ allowed: false, limit: 100, remaining: 0, resetMs: 1500 }, rule),
    ).toEqual({
      "RateLimit": "limit=100, remaining=0, reset=2",
      "RateLimit-Policy": "100;w=60",
      "Retry-After": "2",
    });
  });

  it("never says to retry in 0 seconds", () => {
    const s = rateLimitHeaders({ allowed: false, limit: 1, remaining: 0, resetMs: 0 }, rule);
    expect(s["Retry-After"]).toBe("1");
  });
});
