import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../infra/log.ts";
import { CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, csrfProtection } from "./csrf.ts";
import type { AppEnv } from "./env.ts";
import { errorHandler } from "./error-handler.tsx";

/** Cross-site request forgery: forms must come from this shop's own pages. */

const TOKEN = "abcdefghijklmnopqrstuvwx";
const REFUSAL =
  "This form was not sent from this shop's own pages, so it was refused. Reload the page and try again.";

function appWith(options: { publicUrl?: string } = {}) {
  const app = new Hono<AppEnv>()
    .use(csrfProtection({ cookieSecure: false, ...options }))
    .get("/form", (c) => c.text(c.get("csrfToken")()))
    .get("/plain", (c) => c.text("no form here"))
    .all("/do", async (c) => {
      const type = c.req.header("Content-Type") ?? "";
      const body = type.includes("form") ? await c.req.parseBody() : {};
      return c.text(`done:${body.item ?? ""}`);
    })
    .post("/api/v1/thing", (c) => c.json({ ok: true }));
  app.onError(
    errorHandler(silentLogger, { name: "Crumb", currency: "EUR", locale: "en", assetVersion: "t" }),
  );
  return app;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const send = (
  app: ReturnType<typeof appWith>,
  headers: Record<string, string>,
  body = form({ item: "bread" }),
  { path = "/do", method = "POST" } = {},
) =>
  app.request(`http://shop.test${path}`, {
    method,
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body,
  });

async function expectRefused(res: Response) {
  expect(res.status).toBe(403);
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
  expect(await res.text()).toContain(REFUSAL.replaceAll("'", "&#39;"));
}

describe("Sec-Fetch-Site", () => {
  it.each(["cross-site", "same-site"])("%s: 403", async (site) => {
    await expectRefused(await send(appWith(), { "Sec-Fetch-Site": site }));
  });

  it.each(["same-origin", "none"])("%s: passes", async (site) => {
    const res = await send(appWith(), { "Sec-Fetch-Site": site });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("done:bread");
  });

  it("decides even when Origin claims the same origin", async () => {
    await expectRefused(
      await send(appWith(), { "Sec-Fetch-Site": "cross-site", Origin: "http://shop.test" }),
    );
  });
});

describe("Origin (browsers without Sec-Fetch-Site)", () => {
  it.each(["https://evil.example", "null", "http://shop.test.evil.example", "https://shop.test"])(
    "%s: 403",
    async (origin) => {
      await expectRefused(await send(appWith(), { Origin: origin }));
    },
  );

  it("the request's own origin passes", async () => {
    expect((await send(appWith(), { Origin: "http://shop.test" })).status).toBe(200);
  });

  it("with PUBLIC_URL set, only that origin passes", async () => {
    const app = appWith({ publicUrl: "https://bakery.example" });
    expect((await send(app, { Origin: "https://bakery.example" })).status).toBe(200);
    await expectRefused(await send(app, { Origin: "http://shop.test" }));
  });
});

describe("neither header: the double-submit token", () => {
  const cookie = `${CSRF_COOKIE}=${TOKEN}`;

  it("a matching _csrf field and cookie pass; the handler still reads the body", async () => {
    const res = await send(
      appWith(),
      { Cookie: cookie },
      form({ [CSRF_FIELD]: TOKEN, item: "rye" }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("done:rye");
  });

  it("a multipart form with the field passes", async () => {
    const body = new FormData();
    body.set(CSRF_FIELD, TOKEN);
    body.set("item", "spelt");
    const res = await appWith().request("http://shop.test/do", {
      method: "POST",
      headers: { Cookie: cookie },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("done:spelt");
  });

  it("the X-CSRF-Token header passes like the field", async () => {
    const res = await send(appWith(), { Cookie: cookie, [CSRF_HEADER]: TOKEN }, form({}));
    expect(res.status).toBe(200);
  });

  it.each([
    ["no field", { Cookie: `${CSRF_COOKIE}=${TOKEN}` }, form({ item: "x" })],
    ["no cookie", {}, form({ [CSRF_FIELD]: TOKEN })],
    [
      "a different field",
      { Cookie: `${CSRF_COOKIE}=${TOKEN}` },
      form({ [CSRF_FIELD]: "x" + TOKEN }),
    ],
    ["both empty", { Cookie: `${CSRF_COOKIE}=` }, form({ [CSRF_FIELD]: "" })],
    [
      "a JSON body",
      { Cookie: `${CSRF_COOKIE}=${TOKEN}`, "Content-Type": "application/json" },
      "{}",
    ],
    ["a wrong header", { Cookie: `${CSRF_COOKIE}=${TOKEN}`, [CSRF_HEADER]: "nope" }, form({})],
  ])("%s: 403", async (_, headers, body) => {
    await expectRefused(await send(appWith(), headers, body));
  });

  it.each(["PUT", "PATCH", "DELETE"])("%s is checked like POST", async (method) => {
    await expectRefused(await send(appWith(), { Origin: "https://evil.example" }, "", { method }));
  });
});

describe("what is not checked", () => {
  it("safe methods pass whatever their origin", async () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      const res = await appWith().request("http://shop.test/do", {
        method,
        headers: { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" },
      });
      expect(res.status, method).toBe(200);
    }
  });

  it("the JSON API is exempt: it takes bearer tokens, never cookies", async () => {
    const res = await send(
      appWith(),
      { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" },
      "{}",
      { path: "/api/v1/thing" },
    );
    expect(res.status).toBe(200);
  });

  it("a path that only starts like the API is not exempt", async () => {
    await expectRefused(
      await send(appWith(), { "Sec-Fetch-Site": "cross-site" }, "", { path: "/apiary" }),
    );
  });
});

describe("the cookie", () => {
  it("is set only when a page renders a form", async () => {
    const plain = await appWith().request("http://shop.test/plain");
    expect(plain.headers.get("Set-Cookie")).toBeNull();
    const res = await appWith().request("http://shop.test/form");
    const token = await res.text();
    expect(token).toMatch(/^[\w-]{32}$/);
    expect(res.headers.get("Set-Cookie")).toBe(
      `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`,
    );
  });

  it("is Secure when the shop runs on https", async () => {
    const app = new Hono<AppEnv>()
      .use(csrfProtection({ cookieSecure: true }))
      .get("/form", (c) => c.text(c.get("csrfToken")()));
    expect((await app.request("/form")).headers.get("Set-Cookie")).toContain("; Secure");
  });

  it("is kept when valid and replaced when malformed", async () => {
    const kept = await appWith().request("http://shop.test/form", {
      headers: { Cookie: `${CSRF_COOKIE}=${TOKEN}` },
    });
    expect(await kept.text()).toBe(TOKEN);
    expect(kept.headers.get("Set-Cookie")).toBeNull();
    const replaced = await appWith().request("http://shop.test/form", {
      headers: { Cookie: `${CSRF_COOKIE}=short` },
    });
    expect(await replaced.text()).not.toBe("short");
    expect(replaced.headers.get("Set-Cookie")).toMatch(new RegExp(`^${CSRF_COOKIE}=[\\w-]{32};`));
  });

  it("a token rendered into a form round-trips", async () => {
    const app = appWith();
    const page = await app.request("http://shop.test/form");
    const token = await page.text();
    const cookie = page.headers.get("Set-Cookie")!.split(";")[0];
    const res = await send(app, { Cookie: cookie }, form({ [CSRF_FIELD]: token, item: "oat" }));
    expect(await res.text()).toBe("done:oat");
  });
});
