import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "./harness.ts";

/**
 * One request must not bring the bakery down: a gigabyte streamed at a form, at a form
 * without an Origin header (the CSRF check reads those) and at the JSON API is refused
 * after the first kilobytes, quickly, and the process barely grows. The bodies go over a
 * real socket, chunked, so no Content-Length tells the server what is coming.
 */

const GIGABYTE = 1024 ** 3;
const CHUNK = new Uint8Array(64 * 1024).fill("a".charCodeAt(0));
const encoder = new TextEncoder();

let ctx: TestContext;
let server: Deno.HttpServer<Deno.NetAddr>;
let origin: string;

beforeAll(async () => {
  ctx = await createTestContext();
  server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, ctx.app.fetch);
  origin = `http://127.0.0.1:${server.addr.port}`;
});

afterAll(async () => {
  await server?.shutdown();
  await ctx?.close();
});

interface Outcome {
  status: number;
  head: string;
  body: string;
  sentBytes: number;
  ms: number;
  /** The most the process's resident memory grew while it lasted. */
  rssGrowth: number;
}

/**
 * Streams up to `total` bytes at `path` until the server answers or closes the connection,
 * sampling this process's memory (the server runs in it) all the while.
 */
async function stream(
  path: string,
  headers: Record<string, string>,
  { total = GIGABYTE, declareLength = false } = {},
): Promise<Outcome> {
  const baseline = Deno.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 2);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  const started = performance.now();
  let answer: string | undefined;
  let answeredAt = 0;
  const reading = (async () => {
    const received: Uint8Array[] = [];
    const buffer = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      if (!answeredAt) answeredAt = performance.now();
      received.push(buffer.slice(0, n));
      const text = new TextDecoder().decode(concat(received));
      const [head, body = ""] = text.split("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(head)?.[1];
      if (length !== undefined && encoder.encode(body).length >= Number(length)) break;
    }
    answer = new TextDecoder().decode(concat(received));
  })();
  const framing = declareLength ? `Content-Length: ${total}` : "Transfer-Encoding: chunked";
  const head = [
    `POST ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${server.addr.port}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    framing,
    "",
    "",
  ].join("\r\n");
  let sentBytes = 0;
  try {
    await conn.write(encoder.encode(head));
    const chunkHead = encoder.encode(`${CHUNK.length.toString(16)}\r\n`);
    const chunkTail = encoder.encode("\r\n");
    while (sentBytes < total && !answeredAt) {
      if (!declareLength) await conn.write(chunkHead);
      await conn.write(CHUNK);
      if (!declareLength) await conn.write(chunkTail);
      sentBytes += CHUNK.length;
    }
  } catch {
    // The server closed the connection on the rest of the body: that is the point.
  }
  await reading;
  conn.close();
  clearInterval(sampler);
  const [responseHead, body = ""] = (answer ?? "").split("\r\n\r\n");
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(responseHead)?.[1] ?? 0),
    head: responseHead,
    body,
    sentBytes,
    ms: (answeredAt || performance.now()) - started,
    rssGrowth: peak - baseline,
  };
}

function concat(parts: Uint8Array[]) {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

const MB = 1024 * 1024;
const figures: Record<string, string> = {};

function expectRefusedEarly(outcome: Outcome, label: string) {
  figures[label] = `413 after ${outcome.ms.toFixed(0)} ms, ${
    (outcome.sentBytes / MB).toFixed(1)
  } MB sent, RSS +${(outcome.rssGrowth / MB).toFixed(1)} MB`;
  expect(outcome.status).toBe(413);
  expect(outcome.sentBytes).toBeLessThan(GIGABYTE);
  expect(outcome.ms).toBeLessThan(2_000);
  expect(outcome.rssGrowth).toBeLessThan(100 * MB);
}

describe("a gigabyte body", () => {
  afterAll(() => console.info("big bodies:", figures));

  it("at /signin is refused with 413 and a page, without growing the process", async () => {
    const outcome = await stream("/signin", {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: origin,
    });
    expectRefusedEarly(outcome, "signin");
    expect(outcome.head).toMatch(/content-type: text\/html/i);
    expect(outcome.body).toContain("at most 64 KB");
  });

  it("at a form without Origin (the CSRF check reads the form) is refused the same", async () => {
    const outcome = await stream("/cart/items", {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expectRefusedEarly(outcome, "form without Origin");
  });

  it("as multipart at a form without Origin is refused the same", async () => {
    const outcome = await stream("/account/name", {
      "Content-Type": "multipart/form-data; boundary=xyz",
    });
    expectRefusedEarly(outcome, "multipart form");
  });

  it("at the JSON API is refused with the API's error shape", async () => {
    const outcome = await stream("/api/v1/orders", { "Content-Type": "application/json" });
    expectRefusedEarly(outcome, "api");
    expect(outcome.head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(outcome.body)).toEqual({
      error: {
        code: "payload_too_large",
        message: expect.stringContaining("at most 256 KB"),
      },
    });
  });

  it("announced by Content-Length is refused before a byte of it is read", async () => {
    const outcome = await stream("/api/v1/auth/login", { "Content-Type": "application/json" }, {
      declareLength: true,
    });
    expectRefusedEarly(outcome, "declared length");
  });

  it("at an upload route, sent anonymously, is refused before the upload is read", async () => {
    const outcome = await stream("/admin/products", {
      "Content-Type": "multipart/form-data; boundary=xyz",
      Origin: origin,
    });
    figures.upload = `${outcome.status} after ${outcome.ms.toFixed(0)} ms, RSS +${
      (outcome.rssGrowth / MB).toFixed(1)
    } MB`;
    expect(outcome.status).toBe(401);
    expect(outcome.ms).toBeLessThan(2_000);
    expect(outcome.rssGrowth).toBeLessThan(100 * MB);
  });

  it("leaves the shop serving", async () => {
    const res = await fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    await res.body?.cancel();
  });
});
