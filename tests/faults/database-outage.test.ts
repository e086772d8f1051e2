import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CookieBrowser } from "../cookie-browser.ts";
import { createTestContext, createTestDatabase, eventually, type TestContext } from "../harness.ts";
import { proxied, type Proxy } from "../tcp-proxy.ts";
import type { Database } from "../../src/infra/db.ts";

/**
 * PostgreSQL away (cut: connections reset and refused; hung: packets go nowhere): every
 * route that needs it answers 503 with Retry-After (a page for people, the JSON error on
 * /api), soon and then at once, never 500; the process stays healthy; and the shop is back
 * within a second or two of the database. Only on a real server: the embedded database
 * lives in the process and cannot be cut off from it.
 */

const databaseUrl = process.env.DATABASE_URL;

async function timed<T>(step: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await step();
  return [result, performance.now() - started];
}

describe("while the database watch finds it away (every back end)", () => {
  let t: TestContext;
  let away = false;
  beforeAll(async () => {
    const db = await createTestDatabase();
    // The probe is what the watch asks; the routes still talk to the real database, so
    // what is seen is the gate's answer alone.
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    t = await createTestContext({
      seed: true,
      db: { ...db, probe: () => away ? Promise.reject(refused) : db.probe() },
    });
  });
  afterAll(async () => {
    await t?.close();
    await t?.db.close();
  });

  it("answers 503 at once with a page or the JSON error, and serves again when it returns", async () => {
    expect((await t.app.request("/")).status).toBe(200);
    away = true;
    t.services.databaseWatch.check(); // as a request that met a connection error would
    await eventually(() => t.services.databaseWatch.down);
    const [page, ms] = await timed(async () => await t.app.request("/"));
    expect(page.status).toBe(503);
    expect(ms).toBeLessThan(200);
    expect(page.headers.get("Retry-After")).toBe("5");
    expect(await page.text()).toContain("Please try again in a minute.");
    const api = await t.app.request("/api/v1/products");
    expect(api.status).toBe(503);
    expect((await api.json()).error.code).toBe("unavailable");
    expect((await t.app.request("/healthz")).status).toBe(200);
    away = false;
    await eventually(async () => (await t.app.request("/")).status === 200, { timeoutMs: 3000 });
  });
});

if (databaseUrl) {
  describe("PostgreSQL outage", () => {
    let proxy: Proxy;
    let db: Database;
    let t: TestContext;
    let refused = false;
    beforeAll(async () => {
      db = await createTestDatabase(undefined, async (url) => {
        const through = await proxied(url, 5432);
        proxy = through.proxy;
        return through.url;
      });
      t = await createTestContext({ seed: true, db });
    });
    afterEach(async () => {
      proxy.silence(false);
      if (refused) await proxy.refuse(false);
      refused = false;
      await eventually(async () => (await t.app.request("/")).status === 200, {
        timeoutMs: 20_000,
        intervalMs: 100,
      });
    });
    afterAll(async () => {
      await t?.close();
      await db?.close();
      await proxy?.close();
    });

    const browser = () => new CookieBrowser(() => t.app, "198.18.60.1");

    async function expectUnavailable() {
      const visitor = browser();
      const page = await visitor.get("/");
      expect(page.res.status).toBe(503);
      expect(page.res.headers.get("Retry-After")).toBe("5");
      expect(page.html).toContain("We&#39;re briefly unavailable");
      expect(page.html).toContain("Please try again in a minute.");
      const api = await t.app.request("/api/v1/products");
      expect(api.status).toBe(503);
      expect(api.headers.get("Retry-After")).toBe("5");
      expect(await api.json()).toEqual({
        error: {
          code: "unavailable",
          message: "The shop's records can't be reached just now. Please try again in a minute.",
        },
      });
      const signIn = await visitor.post("/signin", { email: "a@example.com", password: "x" });
      expect(signIn.res.status).toBe(503);
      // The process itself is fine, and says which part is not.
      expect((await t.app.request("/healthz")).status).toBe(200);
      expect((await t.app.request("/readyz")).status).toBe(503);
    }

    it("cut: 503 with Retry-After at once, and back within seconds of the database", async () => {
      expect((await t.app.request("/")).status).toBe(200);
      await proxy.refuse(true);
      refused = true;
      proxy.cut();
      const [first, firstMs] = await timed(async () => await t.app.request("/"));
      expect(first.status).toBe(503);
      expect(firstMs).toBeLessThan(3000);
      await eventually(async () => (await timed(async () => await t.app.request("/")))[1] < 200);
      await expectUnavailable();

      await proxy.refuse(false);
      refused = false;
      const [, backMs] = await timed(() =>
        eventually(async () => (await t.app.request("/")).status === 200, {
          timeoutMs: 20_000,
          intervalMs: 50,
        })
      );
      expect(backMs).toBeLessThan(3000);
    });

    it("hung: a waiting request gets 503 within seconds, the next ones at once", async () => {
      expect((await t.app.request("/")).status).toBe(200);
      proxy.silence(true);
      const [first, firstMs] = await timed(async () => await t.app.request("/"));
      expect(first.status).toBe(503);
      expect(firstMs).toBeLessThan(6000);
      const [, nextMs] = await timed(async () => await t.app.request("/api/v1/products"));
      expect(nextMs).toBeLessThan(200);
      await expectUnavailable();

      proxy.silence(false);
      const [, backMs] = await timed(() =>
        eventually(async () => (await t.app.request("/")).status === 200, {
          timeoutMs: 20_000,
          intervalMs: 50,
        })
      );
      expect(backMs).toBeLessThan(3000);
    });
  });
}
