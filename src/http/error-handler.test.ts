import { beforeEach, describe, expect, it } from "vitest";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { createLogger } from "../infra/log.ts";
import type { ShopView } from "../../views/context.ts";
import { errorHandler, notFoundHandler } from "./error-handler.tsx";
import { AppError, notFound } from "./errors.ts";
import { wantsFragment } from "./htmx.ts";

/** The one error path, on a small app with routes that fail in every way. */

const shop: ShopView = { name: "Test Bakery", currency: "EUR", locale: "en-GB", assetVersion: "t" };
const lines: string[] = [];
const log = createLogger("info", (line) => lines.push(line));
const secret = "password=hunter2 at db.internal:5432";

const app = new Hono()
  .use(requestId())
  .get("/boom", () => {
    throw new Error(secret);
  })
  .get("/api/v1/boom", () => {
    throw new TypeError(secret);
  })
  .get("/async-boom", async () => {
    await Promise.resolve();
    throw new RangeError(secret);
  })
  .get("/gone", () => {
    throw notFound("That loaf");
  })
  .get("/conflict", () => {
    throw new AppError(409, "stale", "Someone changed this first.", { version: "old" });
  })
  .get("/api/v1/conflict", () => {
    throw new AppError(409, "stale", "Someone changed this first.", { version: "old" });
  })
  .get("/too-big", () => {
    throw new HTTPException(413, { message: "" });
  })
  .get("/fragment", (c) => c.text(wantsFragment(c, "results") ? "fragment" : "page"));
app.onError(errorHandler(log, shop));
app.notFound(notFoundHandler(shop));

beforeEach(() => {
  lines.length = 0;
});

const errorLogs = () =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) =>
    e.level === "error"
  );

describe("unexpected errors", () => {
  it("answer 500 with a page that reveals nothing, and are logged once with the request id", async () => {
    for (const path of ["/boom", "/async-boom"]) {
      lines.length = 0;
      const res = await app.request(path, { headers: { "X-Request-Id": "trace-1" } });
      expect(res.status, path).toBe(500);
      expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html.startsWith("<!doctype html>")).toBe(true);
      expect(html).toContain("Something went wrong on our side");
      expect(html).not.toContain("hunter2");
      expect(html).not.toContain("Error:");
      expect(html).not.toMatch(/\.tsx?:\d+/);

      const errors = errorLogs();
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        message: "unhandled error",
        requestId: "trace-1",
        method: "GET",
        path,
        error: secret,
      });
      expect(errors[0].stack).toEqual(expect.stringContaining(secret));
    }
  });

  it("answer API requests with the JSON error shape and no internals", async () => {
    const res = await app.request("/api/v1/boom");
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toEqual({
      error: {
        code: "internal_error",
        message: "Sorry, that didn't work. Please try again in a moment.",
      },
    });
    expect(JSON.stringify(body)).not.toContain("hunter2");
  });

  it("answer htmx requests with a fragment, boosted ones with the page", async () => {
    const htmx = await app.request("/boom", { headers: { "HX-Request": "true" } });
    expect(htmx.status).toBe(500);
    const fragment = await htmx.text();
    expect(fragment).not.toContain("<html");
    expect(fragment).toMatch(/^<div class="error-banner" role="alert">/);
    expect(fragment).not.toContain("hunter2");

    const boosted = await app.request("/boom", {
      headers: { "HX-Request": "true", "HX-Boosted": "true" },
    });
    expect(await boosted.text()).toContain("<html");
  });
});

describe("the same failure again and again", () => {
  it("is one line per request, with its stack once a minute and not every time", async () => {
    let clock = 0;
    const failing = new Hono().use(requestId()).get("/fail/:n", (c) => {
      throw new Error(`no loaf ${c.req.param("n")}`);
    });
    failing.onError(errorHandler(log, shop, () => clock));
    for (let n = 1; n <= 5; n++) {
      const res = await failing.request(`/fail/${n}`, { headers: { "X-Request-Id": `r${n}` } });
      expect(res.status).toBe(500);
    }
    const first = errorLogs();
    expect(first.map((e) => e.requestId)).toEqual(["r1", "r2", "r3", "r4", "r5"]);
    expect(first.map((e) => e.error)).toEqual([1, 2, 3, 4, 5].map((n) => `no loaf ${n}`));
    expect(first.filter((e) => e.stack)).toHaveLength(1);
    expect(new Set(first.map((e) => e.trace)).size).toBe(1);
    expect(first.slice(1).every((e) => e.repeated === true)).toBe(true);

    lines.length = 0;
    clock += 61_000;
    await failing.request("/fail/6", { headers: { "X-Request-Id": "r6" } });
    expect(errorLogs()).toEqual([
      expect.objectContaining({
        requestId: "r6",
        stack: expect.any(String),
        repeatsSinceLastStack: 4,
      }),
    ]);
  });
});

describe("input the database refuses as data", () => {
  it("is a 400 that names no internals, logged as unchecked input", async () => {
    const refused = new Hono().use(requestId()).get("/api/v1/nul", () => {
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
        name: "PostgresError",
        code: "22021",
      });
    });
    refused.onError(errorHandler(log, shop));
    const res = await refused.request("/api/v1/nul", { headers: { "X-Request-Id": "n1" } });
    expect(res.status).toBe(400);
    const body = await res.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).not.toContain("UTF8");
    expect(errorLogs()).toEqual([]);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: "warn",
        message: "input reached the database unchecked",
        requestId: "n1",
        code: "22021",
      }),
    ]);
  });
});

describe("known errors", () => {
  it("answer with their status and message, and are not logged as errors", async () => {
    const gone = await app.request("/gone");
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain("That loaf could not be found.");

    const conflict = await app.request("/api/v1/conflict");
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({
      error: { code: "stale", message: "Someone changed this first.", fields: { version: "old" } },
    });
    const page = await app.request("/conflict");
    expect(page.status).toBe(409);
    expect(await page.text()).toContain("That changed in the meantime");
    expect(errorLogs()).toEqual([]);
  });

  it("fill in a message for Hono's exceptions that have none", async () => {
    const res = await app.request("/too-big");
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("That&#39;s too big");
  });

  it("answer unknown paths with a 404 page, or JSON under /api/", async () => {
    const page = await app.request("/nothing-here");
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("There is nothing at this address");
    const api = await app.request("/api/nothing-here");
    expect(api.status).toBe(404);
    expect((await api.json() as { error: { code: string } }).error.code).toBe("not_found");
  });
});

describe("wantsFragment", () => {
  it("asks for the fragment only when htmx targets the element, and always varies", async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, "page"],
      [{ "HX-Request": "true" }, "page"],
      [{ "HX-Request": "true", "HX-Target": "section#results" }, "fragment"],
      [{ "HX-Request": "true", "HX-Target": "#results" }, "fragment"],
      [{ "HX-Request": "true", "HX-Target": "section#other-results" }, "page"],
      [{ "HX-Request": "true", "HX-Target": "body", "HX-Boosted": "true" }, "page"],
      [{ "HX-Target": "section#results" }, "page"],
      [{
        "HX-Request": "true",
        "HX-Target": "section#results",
        "HX-History-Restore-Request": "true",
      }, "page"],
    ];
    for (const [headers, expected] of cases) {
      const res = await app.request("/fragment", { headers });
      expect(await res.text(), JSON.stringify(headers)).toBe(expected);
      expect(res.headers.get("Vary")).toMatch(/HX-Request/);
    }
  });
});
