import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { sseClient } from "../../tests/sse-client.ts";
import { staticRoot } from "../assets.ts";
import { chooseEncoding } from "./compression.ts";

/**
 * Compression: pages and JSON in brotli or gzip as the browser accepts, equal to the plain
 * answer once decoded; small answers and event streams left as they are; static files
 * served from their precompressed copies.
 */

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
});
afterAll(() => t?.close());

// The same CSRF cookie every time, so the pages carry the same token and can be compared.
const cookie = `crumb_csrf=${"k".repeat(32)}`;

const get = (path: string, acceptEncoding?: string) =>
  t.app.request(path, {
    headers: { Cookie: cookie, ...(acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {}) },
  });

const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());

function decoded(res: Response, body: Uint8Array): Uint8Array {
  const encoding = res.headers.get("Content-Encoding");
  if (encoding === "br") return new Uint8Array(brotliDecompressSync(body));
  if (encoding === "gzip") return new Uint8Array(gunzipSync(body));
  expect(encoding).toBeNull();
  return body;
}

const vary = (res: Response) =>
  (res.headers.get("Vary") ?? "").split(",").map((v) => v.trim().toLowerCase());

describe("choosing the encoding", () => {
  it("prefers brotli, falls back to gzip, and honours q=0 and wildcards", () => {
    expect(chooseEncoding("gzip, deflate, br, zstd")).toBe("br");
    expect(chooseEncoding("gzip, deflate")).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip")).toBe("gzip");
    expect(chooseEncoding("gzip;q=1, br;q=0.5")).toBe("gzip");
    expect(chooseEncoding("*")).toBe("br");
    expect(chooseEncoding("identity")).toBeUndefined();
    expect(chooseEncoding(undefined)).toBeUndefined();
  });
});

describe("pages and JSON", () => {
  for (const path of ["/", "/products/butter-croissant", "/api/v1/products?limit=50"]) {
    it(`${path}: brotli and gzip decode to the plain answer`, async () => {
      const plain = await get(path);
      const plainBody = await bytes(plain);
      expect(plain.status).toBe(200);
      expect(plain.headers.get("Content-Encoding")).toBeNull();
      expect(plainBody.length).toBeGreaterThan(1024);
      expect(vary(plain)).toContain("accept-encoding");

      for (const [accept, encoding] of [["gzip, deflate, br", "br"], ["gzip", "gzip"]]) {
        const res = await get(path, accept);
        const body = await bytes(res);
        expect(res.headers.get("Content-Encoding")).toBe(encoding);
        expect(vary(res)).toContain("accept-encoding");
        expect(Number(res.headers.get("Content-Length"))).toBe(body.length);
        expect(body.length).toBeLessThan(plainBody.length / 2);
        expect(new TextDecoder().decode(decoded(res, body))).toBe(
          new TextDecoder().decode(plainBody),
        );
      }
    });
  }

  it("keeps headers the page set (Vary for htmx, cookies, request id)", async () => {
    const res = await t.app.request("/", { headers: { "Accept-Encoding": "br" } });
    expect(res.headers.get("Content-Encoding")).toBe("br");
    expect(vary(res)).toEqual(expect.arrayContaining(["hx-request", "accept-encoding"]));
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
  });

  it("leaves answers under 1 KB as they are", async () => {
    const res = await get("/healthz", "br, gzip");
    const body = await bytes(res);
    expect(body.length).toBeLessThan(1024);
    expect(res.headers.get("Content-Encoding")).toBeNull();
    expect(JSON.parse(new TextDecoder().decode(body))).toMatchObject({ status: "ok" });
  });

  it("compresses error pages too", async () => {
    const res = await get("/products/no-such-bread", "br");
    expect(res.status).toBe(404);
    const html = new TextDecoder().decode(decoded(res, await bytes(res)));
    expect(html).toContain("<!doctype html>");
  });
});

describe("event streams", () => {
  it("are never compressed or buffered, whatever the browser accepts", async () => {
    const controller = new AbortController();
    const res = await t.app.request("/events/stock", {
      headers: { "Accept-Encoding": "gzip, deflate, br" },
      signal: controller.signal,
    });
    try {
      expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
      expect(res.headers.get("Content-Encoding")).toBeNull();
      const client = sseClient(res);
      // The first frames arrive before the stream ends: nothing holds them back.
      expect(await client.next()).toEqual({ retry: "2000", comments: [] });
      expect(await client.next()).toMatchObject({ id: "stock" });
      const [product] = await t.sql<{ id: number }[]>`select id from products limit 1`;
      await t.services.catalog.setStock(product.id, 7);
      const frame = await client.next();
      expect(frame?.data).toContain(`stock-${product.id}`);
      expect(frame?.data).toContain("Only 7 left");
      await client.cancel();
    } finally {
      controller.abort();
    }
  });
});

describe("static files", () => {
  const file = "vendor/htmx.min.js";

  it("come precompressed in the accepted encoding, immutable, varying by encoding", async () => {
    const original = new Uint8Array(await readFile(join(staticRoot, file)));
    for (const [accept, encoding] of [["br, gzip", "br"], ["gzip", "gzip"], [undefined, null]]) {
      const res = await get(`/static/${file}?v=1`, accept ?? undefined);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Encoding")).toBe(encoding);
      expect(res.headers.get("Content-Type")).toMatch(/javascript/);
      expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
      expect(vary(res)).toContain("accept-encoding");
      const body = await bytes(res);
      if (encoding) expect(body.length).toBeLessThan(original.length / 2);
      expect(decoded(res, body)).toEqual(original);
    }
  });

  it("the CSS too; without a version they are cached for an hour", async () => {
    const res = await get("/static/build/app.css", "br");
    expect(res.headers.get("Content-Encoding")).toBe("br");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=3600");
    const css = new TextDecoder().decode(decoded(res, await bytes(res)));
    expect(css).toBe(await readFile(join(staticRoot, "build/app.css"), "utf8"));
  });
});
