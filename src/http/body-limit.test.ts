import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../infra/log.ts";
import { bodyLimits, routeBodyLimit } from "./body-limit.ts";
import { CSRF_COOKIE, CSRF_FIELD, csrfProtection } from "./csrf.ts";
import type { AppEnv } from "./env.ts";
import { errorHandler } from "./error-handler.tsx";

/** Every body is counted before anything reads it; past its route's limit it is a 413. */

const KB = 1024;
const TOKEN = "abcdefghijklmnopqrstuvwx";

function appWith() {
  const app = new Hono<AppEnv>()
    .use(bodyLimits([
      { what: "the API", maxBytes: 8 * KB, matches: (_, path) => path.startsWith("/api/") },
      {
        what: "an upload",
        maxBytes: 128 * KB,
        lazy: true,
        matches: (_, p) => p.startsWith("/upload"),
      },
    ], { what: "this form", maxBytes: 4 * KB }))
    .use(csrfProtection({ cookieSecure: false }))
    .post("/form", async (c) => c.text(`read ${(await c.req.text()).length}`))
    .post("/ignore", (c) => c.text("not read"))
    .post("/api/v1/thing", async (c) => c.json({ size: (await c.req.text()).length }))
    .post("/upload", async (c) => {
      const body = await c.req.parseBody();
      return c.text(`file ${(body.file as File).size}`);
    })
    .post(
      "/upload/checked",
      routeBodyLimit(64 * KB, (c) => c.text("your own too-big page", 413), ["file"]),
      async (c) => {
        const body = await c.req.parseBody();
        return c.text(`file ${(body.file as File).size}`);
      },
    );
  app.onError(
    errorHandler(silentLogger, { name: "Crumb", currency: "EUR", locale: "en", assetVersion: "t" }),
  );
  return app;
}

/** A body of `size` bytes as a stream, so no Content-Length comes with it. */
function streamOf(size: number, chunk = 1000) {
  let left = size;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left <= 0) return controller.close();
      const n = Math.min(chunk, left);
      left -= n;
      controller.enqueue(new Uint8Array(n).fill(120));
    },
  });
}

const post = (
  path: string,
  body: BodyInit,
  headers: Record<string, string> = { "Sec-Fetch-Site": "same-origin" },
) =>
  appWith().request(`http://shop.test${path}`, {
    method: "POST",
    headers,
    body,
    duplex: "half",
  } as RequestInit);

describe("a form", () => {
  it("up to its limit reaches the route whole", async () => {
    const res = await post("/form", streamOf(4 * KB));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`read ${4 * KB}`);
  });

  it("one byte past its limit is a 413 page naming the limit", async () => {
    const res = await post("/form", streamOf(4 * KB + 1));
    expect(res.status).toBe(413);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("That is more than this form accepts (at most 4 KB).");
  });

  it("is counted even when its Content-Length claims less", async () => {
    const res = await post("/form", streamOf(64 * KB), {
      "Sec-Fetch-Site": "same-origin",
      "Content-Length": "10",
    });
    expect(res.status).toBe(413);
  });

  it("announcing more than the limit is refused unread", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1000));
      },
    });
    const res = await post("/form", body, {
      "Sec-Fetch-Site": "same-origin",
      "Content-Length": String(10 * 1024 * KB),
    });
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("is limited before a route that never reads it", async () => {
    expect((await post("/ignore", streamOf(4 * KB + 1))).status).toBe(413);
    expect((await post("/ignore", streamOf(10))).status).toBe(200);
  });

  it("is limited before the CSRF check reads its token", async () => {
    const body = new URLSearchParams({ [CSRF_FIELD]: TOKEN, pad: "x".repeat(8 * KB) });
    const res = await post("/form", body.toString(), {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: `${CSRF_COOKIE}=${TOKEN}`,
    });
    expect(res.status).toBe(413);
  });
});

describe("the API", () => {
  it("has its own limit and answers in its error shape", async () => {
    expect((await post("/api/v1/thing", streamOf(8 * KB))).status).toBe(200);
    const res = await post("/api/v1/thing", streamOf(8 * KB + 1));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: {
        code: "payload_too_large",
        message: "That is more than the API accepts (at most 8 KB).",
      },
    });
  });
});

describe("an upload", () => {
  const upload = (size: number) => {
    const form = new FormData();
    form.set("file", new File([new Uint8Array(size)], "loaf.jpg"));
    return form;
  };

  it("within its limit reaches the route, which reads it itself", async () => {
    const res = await post("/upload", upload(100 * KB));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`file ${100 * KB}`);
  });

  it("past its limit fails when read, with a 413", async () => {
    const res = await post("/upload", upload(150 * KB), {
      "Sec-Fetch-Site": "same-origin",
      // Claims to fit; the count says otherwise.
      "Content-Length": String(100 * KB),
    });
    expect(res.status).toBe(413);
  });

  it("is not read for a CSRF token past the size of a form (64 KB)", async () => {
    const form = upload(70 * KB);
    form.set(CSRF_FIELD, TOKEN);
    const res = await post("/upload", form, { Cookie: `${CSRF_COOKIE}=${TOKEN}` });
    expect(res.status).toBe(403);
  });

  it("small enough to be a form still carries its CSRF token", async () => {
    const form = upload(1 * KB);
    form.set(CSRF_FIELD, TOKEN);
    const res = await post("/upload", form, { Cookie: `${CSRF_COOKIE}=${TOKEN}` });
    expect(res.status).toBe(200);
  });

  it("meets the route's own limit, which answers in its own words", async () => {
    const fits = await post("/upload/checked", upload(60 * KB));
    expect(await fits.text()).toBe(`file ${60 * KB}`);
    const res = await post("/upload/checked", upload(70 * KB), {
      "Sec-Fetch-Site": "same-origin",
      "Content-Length": "100",
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe("your own too-big page");
  });

  it("past the class limit is refused by the route's limit too, in the route's words", async () => {
    const res = await post("/upload/checked", upload(150 * KB), {
      "Sec-Fetch-Site": "same-origin",
      "Content-Length": "100",
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe("your own too-big page");
  });

  it("with a file where text belongs is a 400 at the route's limit", async () => {
    const form = upload(1 * KB);
    form.set("name", new File(["Rye"], "name.txt"));
    const res = await post("/upload/checked", form);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("A file was sent where text belongs.");
  });

  it("that is malformed multipart is a 400 at the route's limit", async () => {
    const res = await post("/upload/checked", "--x\r\nbroken", {
      "Sec-Fetch-Site": "same-origin",
      "Content-Type": "multipart/form-data",
    });
    expect(res.status).toBe(400);
  });
});
