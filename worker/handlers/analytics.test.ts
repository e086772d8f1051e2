import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { type Consumer, newMessage } from "../../src/infra/queue.ts";
import { ANALYTICS_QUEUE } from "../../src/jobs/names.ts";
import { createTestContext, eventually, type TestContext } from "../../tests/harness.ts";
import { analyticsHandler } from "./analytics.ts";
import { startConsumers, stopConsumers, workerDeps } from "./index.ts";

/** Product views: published by the product page, counted per day by the analytics job. */

let t: TestContext;
let consumers: Consumer[];
// A fixed clock, so the day counted never depends on when the suite runs.
const day = "2025-03-14";
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  t = await createTestContext({ seed: true });
  app = createApp({ ...t.deps, now: () => new Date(`${day}T23:59:00Z`) }, t.services);
  consumers = await startConsumers(
    workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }),
  );
});
afterAll(async () => {
  if (consumers) await stopConsumers(consumers);
  await t?.close();
});

const idOf = async (slug: string) => {
  const [row] = await t.sql<{ id: number }[]>`select id from products where slug = ${slug}`;
  return row.id;
};

const viewsOf = async (productId: number, onDay = day) => {
  const [row] = await t.sql<{ views: number }[]>`
    select views from product_views_daily where product_id = ${productId} and day = ${onDay}`;
  return row?.views ?? 0;
};

describe("product views", () => {
  it("counts each product page view on the day it happened", async () => {
    const id = await idOf("lemon-drizzle-cake");
    expect(await viewsOf(id)).toBe(0);
    // One view at a time: the embedded database mixes up queries that run beside a
    // transaction on another connection (see the report), and the job runs in one.
    const view = async (url: string, slug: string, expected: number) => {
      expect((await app.request(url)).status).toBe(200);
      await eventually(async () => (await viewsOf(await idOf(slug))) === expected, {
        intervalMs: 25,
      });
    };
    await view("/products/lemon-drizzle-cake", "lemon-drizzle-cake", 1);
    await view("/products/lemon-drizzle-cake", "lemon-drizzle-cake", 2);
    await view(`/products/${id}`, "lemon-drizzle-cake", 3);
    // Not counted: the catalog list and unknown products; other products on their own.
    expect((await app.request("/?category=cakes")).status).toBe(200);
    expect((await app.request("/products/no-such-cake")).status).toBe(404);
    await view("/products/victoria-sponge", "victoria-sponge", 1);
    expect(await viewsOf(id)).toBe(3);
    const [{ total }] = await t.sql<{ total: number }[]>`
      select coalesce(sum(views), 0)::int as total from product_views_daily`;
    expect(total).toBe(4);
  });

  it("counts a message once, however often it is delivered", async () => {
    const id = await idOf("apple-tart");
    const handle = analyticsHandler(t.sql);
    const message = newMessage("product.viewed", { productId: id, day: "2025-01-02" });
    await handle(message, 1);
    await handle(structuredClone(message), 2);
    await Promise.all([handle(message, 3), handle(message, 3)]);
    expect(await viewsOf(id, "2025-01-02")).toBe(1);

    await handle(newMessage("product.viewed", { productId: id, day: "2025-01-02" }), 1);
    expect(await viewsOf(id, "2025-01-02")).toBe(2);
  });

  it("throws on a message it does not understand, keeping it retryable", async () => {
    const handle = analyticsHandler(t.sql);
    const unknown = newMessage("product.sneezed", { productId: 1 });
    await expect(handle(unknown, 1)).rejects.toThrow(/cannot handle messages of type/);
    const invalid = newMessage("product.viewed", { productId: "one", day: "yesterday" });
    await expect(handle(invalid, 1)).rejects.toThrow();
    // Nothing was recorded as processed, so a fixed handler could still take them.
    const processed = await t.sql`
      select 1 from processed_messages where message_id in (${unknown.id}, ${invalid.id})`;
    expect(processed).toHaveLength(0);
  });

  it("dead-letters a message the queue cannot get handled", async () => {
    const unknown = newMessage("product.sneezed", { productId: 1 });
    await t.queue.publish(ANALYTICS_QUEUE, unknown);
    const dead = await eventually(async () => {
      const taken = await t.queue.takeDeadLetters(ANALYTICS_QUEUE, 10);
      return taken.length ? taken : null;
    }, { timeoutMs: 15_000, intervalMs: 50 });
    expect(dead?.map((m) => m.id)).toEqual([unknown.id]);
  });
});
