import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestContext,
  createTestQueue,
  eventually,
  type TestContext,
} from "../../tests/harness.ts";
import { order, person, productsWithStock } from "../../tests/orders-support.ts";
import { newMessage } from "../infra/queue.ts";
import { countedQueue, poolState } from "./instrument.ts";
import { createMetrics, type Metrics } from "./metrics.ts";

/** One sample's value from Prometheus' text format (undefined when the series is absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}) {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
    const inner = line.slice(name.length).match(/^\{(.*)\}/)?.[1] ?? "";
    const found = Object.fromEntries(
      [...inner.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) {
      return Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return undefined;
}

describe("/metrics", () => {
  let t: TestContext;
  const scrape = async () => {
    const res = await t.app.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/plain");
    return await res.text();
  };

  beforeAll(async () => {
    t = await createTestContext({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
  });
  afterAll(() => t?.close());

  it("labels request durations by route pattern and status, never by the raw path", async () => {
    const [product] = await t.sql<{ slug: string }[]>`select slug from products limit 1`;
    expect((await t.app.request(`/products/${product.slug}`)).status).toBe(200);
    expect((await t.app.request("/products/no-such-bread")).status).toBe(404);
    expect((await t.app.request("/wp-login.php")).status).toBe(404);
    const text = await scrape();
    const count = (route: string, status: string) =>
      sample(text, "http_request_duration_seconds_count", { method: "GET", route, status });
    expect(count("/products/:idOrSlug", "200")).toBe(1);
    expect(count("/products/:idOrSlug", "404")).toBe(1);
    expect(count("unmatched", "404")).toBe(1);
    expect(text).not.toContain(product.slug);
    expect(text).not.toContain("wp-login");
  });

  it("counts orders placed and refused by reason, and times checkout", async () => {
    const [bread] = await productsWithStock(t, [1]);
    const buyer = await person(t);
    const body = { items: [{ productId: bread.id, quantity: 1 }] };
    expect((await order(t, buyer, body)).status).toBe(201);
    expect((await order(t, buyer, body)).status).toBe(409);
    const text = await scrape();
    expect(sample(text, "crumb_orders_placed_total")).toBe(1);
    expect(sample(text, "crumb_orders_refused_total", { reason: "insufficient_stock" })).toBe(1);
    expect(sample(text, "crumb_checkout_duration_seconds_count", { outcome: "placed" })).toBe(1);
    expect(sample(text, "crumb_checkout_duration_seconds_count", { outcome: "refused" })).toBe(1);
    // The placed order's event waits in the outbox until the relay publishes it.
    expect(sample(text, "crumb_outbox_pending")).toBeGreaterThanOrEqual(0);
  });

  it("reports the outbox backlog and the age of its oldest event", async () => {
    await t.sql`
      insert into outbox (message_id, queue, type, payload, created_at)
      values (${crypto.randomUUID()}, 'orders', 'test.waiting', '{}', now() - interval '90 seconds')`;
    const text = await scrape();
    expect(sample(text, "crumb_outbox_pending")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "crumb_outbox_oldest_pending_seconds")).toBeGreaterThanOrEqual(90);
    await t.sql`delete from outbox where type = 'test.waiting'`;
  });

  it("counts open event streams by topic family", async () => {
    const abort = new AbortController();
    const streams = [
      t.live.open("stock", { signal: abort.signal }),
      t.live.open("order:41", { signal: abort.signal }),
      t.live.open("order:42", { signal: abort.signal }),
    ];
    const text = await scrape();
    expect(sample(text, "crumb_sse_clients", { topic: "stock" })).toBe(1);
    expect(sample(text, "crumb_sse_clients", { topic: "order" })).toBe(2);
    abort.abort();
    for (const stream of streams) await stream.cancel();
    expect(sample(await scrape(), "crumb_sse_clients", { topic: "order" })).toBeUndefined();
  });

  it("counts catalog cache hits and misses", async () => {
    const before = await scrape();
    const misses = sample(before, "crumb_cache_misses_total", { cache: "catalog" }) ?? 0;
    const hits = sample(before, "crumb_cache_hits_total", { cache: "catalog" }) ?? 0;
    await t.services.catalog.changed();
    expect((await t.app.request("/api/v1/categories")).status).toBe(200);
    expect((await t.app.request("/api/v1/categories")).status).toBe(200);
    const after = await scrape();
    expect(sample(after, "crumb_cache_misses_total", { cache: "catalog" })).toBe(misses + 1);
    expect(sample(after, "crumb_cache_hits_total", { cache: "catalog" })).toBe(hits + 1);
  });

  it("counts failed sign-ins and the rate limit's refusals", async () => {
    const login = (password: string) =>
      t.app.request("/api/v1/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: "nobody@example.com", password }),
      }, { remoteAddr: { hostname: "203.0.113.7", port: 1, transport: "tcp" } });
    for (let i = 0; i < 5; i++) expect((await login(`wrong password ${i}`)).status).toBe(401);
    expect((await login("wrong password again")).status).toBe(429);
    const text = await scrape();
    expect(sample(text, "crumb_signin_failures_total")).toBe(5);
    expect(sample(text, "crumb_rate_limit_refusals_total", { limit: "signin-fail" }))
      .toBeGreaterThanOrEqual(1);
  });
});

describe("/metrics outside development", () => {
  const production = {
    CRUMB_ENV: "production",
    SESSION_SECRET: randomBytes(32).toString("hex"),
    JWT_KEYS: `k1:${randomBytes(32).toString("hex")}`,
    PUBLIC_URL: "https://shop.example.com",
    // The test servers (with their sample passwords) stand in for the shop's own: production
    // would refuse their URLs, and only the metrics route is under test here.
    DATABASE_URL: "",
    REDIS_URL: "",
    AMQP_URL: "",
  };

  it("is not served in production without a token or a port of its own", async () => {
    const t = await createTestContext({ config: production });
    try {
      expect((await t.app.request("/metrics")).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it("asks for the bearer token when METRICS_TOKEN is set", async () => {
    const token = "a-metrics-token-long-enough";
    const t = await createTestContext({ config: { ...production, METRICS_TOKEN: token } });
    try {
      const without = await t.app.request("/metrics");
      expect(without.status).toBe(401);
      expect(without.headers.get("WWW-Authenticate")).toContain("Bearer");
      expect(await without.text()).not.toContain("http_request");
      const wrong = await t.app.request("/metrics", {
        headers: { Authorization: "Bearer not-the-token-at-all" },
      });
      expect(wrong.status).toBe(401);
      const right = await t.app.request("/metrics", {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(right.status).toBe(200);
      expect(await right.text()).toContain("crumb_orders_placed_total");
    } finally {
      await t.close();
    }
  });

  it("leaves the shop's port when METRICS_PORT is set", async () => {
    const t = await createTestContext({ config: { METRICS_PORT: "9999" } });
    try {
      expect((await t.app.request("/metrics")).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe("counted queue", () => {
  let metrics: Metrics;
  it("counts published, consumed, retried and dead-lettered jobs by queue", async () => {
    metrics = createMetrics();
    const inner = await createTestQueue();
    const queue = countedQueue(inner, metrics);
    const handled: string[] = [];
    const consumer = await queue.consume("jobs", (message, attempt) => {
      if (message.type === "poison") return Promise.reject(new Error("always fails"));
      if (message.type === "flaky" && attempt < 2) return Promise.reject(new Error("once"));
      handled.push(message.id);
      return Promise.resolve();
    }, { maxAttempts: 3 });
    try {
      const good = newMessage("good", {});
      const flaky = newMessage("flaky", {});
      await queue.publish("jobs", good);
      await queue.publish("jobs", flaky);
      await queue.publish("jobs", newMessage("poison", {}));
      await eventually(async () =>
        handled.length === 2 && (await inner.takeDeadLetters("jobs", 10)).length === 1
      );
      const text = await metrics.registry.metrics();
      expect(sample(text, "crumb_queue_published_total", { queue: "jobs" })).toBe(3);
      expect(sample(text, "crumb_queue_consumed_total", { queue: "jobs" })).toBe(2);
      // flaky failed once; poison failed twice before its third and last attempt.
      expect(sample(text, "crumb_queue_retried_total", { queue: "jobs" })).toBe(3);
      expect(sample(text, "crumb_queue_dead_lettered_total", { queue: "jobs" })).toBe(1);
      expect(sample(text, "crumb_job_duration_seconds_count", { queue: "jobs", outcome: "ok" }))
        .toBe(2);
    } finally {
      await consumer.stop();
      await inner.close();
    }
  });

  it("reports the database pool only where a pool is watched", async () => {
    const t = await createTestContext();
    try {
      const bare = await createMetrics().registry.metrics();
      expect(bare).not.toContain("crumb_db_pool_in_use");
      const watched = createMetrics();
      watched.watch({ pool: poolState(t.sql, "crumb", 8) });
      const text = await watched.registry.metrics();
      expect(sample(text, "crumb_db_pool_max")).toBe(8);
      expect(sample(text, "crumb_db_pool_open")).toBeGreaterThanOrEqual(1);
      expect(sample(text, "crumb_db_pool_in_use")).toBeGreaterThanOrEqual(0);
    } finally {
      await t.close();
    }
  });

  it("exports the process's default metrics without the gauges promtool refuses", async () => {
    const text = await createMetrics({ defaults: true }).registry.metrics();
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("nodejs_active_handles ");
    expect(text).not.toMatch(/^# TYPE \w+_total gauge$/m);
  });
});
