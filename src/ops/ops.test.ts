import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { createLogger, silentLogger } from "../infra/log.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { opsRoutes } from "./routes.ts";

/** Health and readiness, request ids, the request log, security headers and static files. */

let t: TestContext;
const lines: string[] = [];
beforeAll(async () => {
  t = await createTestContext({
    seed: true,
    log: createLogger("info", (line) => lines.push(line)),
  });
});
afterAll(() => t?.close());
beforeEach(() => {
  lines.length = 0;
});

const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe("health and readiness", () => {
  it("answers /healthz while the process runs", async () => {
    const res = await t.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers /readyz with every dependency checked", async () => {
    const res = await t.app.request("/readyz");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.json()).toEqual({
      status: "ready",
      checks: { database: "ok", store: "ok", queue: "ok" },
    });
  });

  it("answers 503 naming the dependency that does not answer", async () => {
    const queue = { ...t.queue, ping: () => Promise.reject(new Error("channel closed")) };
    const app = createApp({ ...t.deps, queue });
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    const body = await res.json() as { message: string; checks: Record<string, string> };
    expect(body.message).toBe("Not ready: queue unreachable");
    expect(body.checks.database).toBe("ok");
    expect(body.checks.store).toBe("ok");
    expect(body.checks.queue).toBe("unreachable");
  });

  it("gives up on a probe that hangs", async () => {
    const app = opsRoutes(
      { fast: () => Promise.resolve(), stuck: () => new Promise(() => {}) },
      silentLogger,
      30,
    );
    const res = await app.request("/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      message: "Not ready: stuck unreachable",
      checks: { fast: "ok", stuck: "unreachable" },
    });
  });
});

describe("request ids and the request log", () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it("gives every response an X-Request-Id", async () => {
    const ids = new Set<string>();
    for (
      const url of [
        "/",
        "/products/butter-croissant",
        "/nowhere",
        "/?page=abc",
        "/api/v1/products",
        "/api/v1/nothing",
        "/healthz",
        "/static/build/app.css",
      ]
    ) {
      const res = await t.app.request(url);
      await res.body?.cancel();
      const id = res.headers.get("X-Request-Id");
      expect(id, url).toMatch(uuid);
      ids.add(id!);
    }
    expect(ids.size).toBe(8);
  });

  it("echoes a valid incoming request id and replaces an unsafe one", async () => {
    const echoed = await t.app.request("/healthz", { headers: { "X-Request-Id": "lb-1234_ab=" } });
    expect(echoed.headers.get("X-Request-Id")).toBe("lb-1234_ab=");
    for (const unsafe of ["two words", "<script>", "x".repeat(300)]) {
      const res = await t.app.request("/healthz", { headers: { "X-Request-Id": unsafe } });
      expect(res.headers.get("X-Request-Id")).toMatch(uuid);
    }
  });

  it("writes one JSON line per request with id, method, path, status and time", async () => {
    const res = await t.app.request("/?category=breads", {
      headers: { "X-Request-Id": "req-42" },
    });
    await res.text();
    const requests = logged().filter((entry) => entry.message === "request");
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      level: "info",
      requestId: "req-42",
      method: "GET",
      path: "/",
      status: 200,
    });
    expect(requests[0].ms).toEqual(expect.any(Number));
    expect(requests[0]).not.toHaveProperty("query");
  });

  it("logs the status of failed requests", async () => {
    await (await t.app.request("/products/no-such-bun", { method: "GET" })).text();
    await (await t.app.request("/api/v1/products?pageSize=0")).text();
    const requests = logged().filter((entry) => entry.message === "request");
    expect(requests.map((r) => [r.path, r.status])).toEqual([
      ["/products/no-such-bun", 404],
      ["/api/v1/products", 400],
    ]);
  });
});

describe("error pages and security headers", () => {
  it("answers an unknown page with the 404 page", async () => {
    const res = await t.app.request("/no/such/page");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("We couldn&#39;t find that");
    expect(html).toContain('href="/"');
  });

  it("sends security headers on pages, errors and API answers", async () => {
    for (const url of ["/", "/no/such/page", "/api/v1/categories", "/static/board.js"]) {
      const res = await t.app.request(url);
      await res.body?.cancel();
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      expect(csp, url).toMatch(/(^|;\s*)script-src 'self'(;|$)/);
      expect(csp, url).not.toContain("unsafe-eval");
      expect(csp, url).not.toContain("unsafe-inline");
      expect(csp, url).toMatch(/frame-ancestors 'none'/);
      expect(csp, url).toMatch(/object-src 'none'/);
      expect(res.headers.get("X-Content-Type-Options"), url).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy"), url).toBe("same-origin");
    }
  });

  it("sends Strict-Transport-Security only when the shop is served over https", async () => {
    const plain = await t.app.request("/healthz");
    expect(plain.headers.get("Strict-Transport-Security")).toBeNull();
    const config = { ...t.deps.config, publicUrl: "https://shop.example.com" };
    const https = await createApp({ ...t.deps, config }).request("/healthz");
    expect(https.headers.get("Strict-Transport-Security")).toContain("max-age=31536000");
  });
});

describe("static files", () => {
  it("lets versioned URLs be cached for a year, others for an hour", async () => {
    const versioned = await t.app.request("/static/build/app.css?v=x");
    expect(versioned.status).toBe(200);
    expect(versioned.headers.get("Content-Type")).toMatch(/^text\/css/);
    expect(versioned.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect((await versioned.text()).length).toBeGreaterThan(0);

    const plain = await t.app.request("/static/build/app.css");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("Cache-Control")).toBe("public, max-age=3600");
    await plain.body?.cancel();
  });

  it("answers a missing file with the 404 page, not a cacheable answer", async () => {
    const res = await t.app.request("/static/nope.css?v=x");
    expect(res.status).toBe(404);
    expect(res.headers.get("Cache-Control")).toBeNull();
    await res.body?.cancel();
  });

  it("never serves files outside static/", async () => {
    for (
      const path of [
        "/static/../deno.json",
        "/static/%2e%2e/deno.json",
        "/static/..%2fdeno.json",
        "/static/%2e%2e%2fdeno.json",
        "/static/build/..%2f..%2fdeno.json",
        "/static/%252e%252e/deno.json",
        "/static/..%5cdeno.json",
        "/static//work/main/deno.json",
        "/static/../src/config.ts",
      ]
    ) {
      const res = await t.app.request(path);
      const body = await res.text();
      expect(res.status, path).toBe(404);
      expect(body, path).not.toContain('"imports"');
      expect(body, path).not.toContain("DATABASE_URL");
    }
  });
});
