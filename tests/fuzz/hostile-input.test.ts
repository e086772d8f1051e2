import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Attempt, attemptsFor, type Depth } from "./attempts.ts";
import { learnFromOpenApi, learnFromPage, pathOf, type RouteSpec, routeTable } from "./catalog.ts";
import { type FuzzShop, openFuzzShop, type Role, roles } from "./shop.ts";

/**
 * Hostile input never answers 500. Every route in Hono's route table, as every kind of
 * visitor, gets a hostile value in every parameter it takes (path, query, form field, JSON
 * property, the headers it reads) and hostile whole bodies; any 5xx fails the test, and so
 * does a value that reached the database unchecked (logged as such, answered 400).
 */

let shop: FuzzShop;
let specs: RouteSpec[];
let sent = 0;
const failures: string[] = [];

beforeAll(async () => {
  shop = await openFuzzShop();
  specs = routeTable(shop.t.app as never);
  // What each page shows each visitor: forms, filters and links.
  for (const role of roles) {
    const tokens = await shop.session(role, "web");
    const pages = specs.filter((s) => s.method === "GET" && !s.api).map((spec) =>
      pathOf(spec, Object.fromEntries(spec.params.map((p) => [p, shop.param(spec.pattern, p)])))
    );
    for (const path of [...pages, ...shop.extraPages]) {
      const res = await shop.t.app.request(path, { headers: cookieOf(tokens) });
      if ((res.headers.get("Content-Type") ?? "").includes("text/html")) {
        learnFromPage(specs, await res.text(), path);
      } else await res.body?.cancel();
    }
  }
  const doc = await (await shop.t.app.request("/api/openapi.json")).json();
  learnFromOpenApi(specs, doc);
  // Sent only by the board's script (its undo), so no page shows the field.
  specs.find((s) => s.pattern === "/board/orders/:id/undo")?.fields.set("from", {
    name: "from",
    value: "baking",
  });
  // Forms shown only with a valid link (a reset, an address to confirm), to an account whose
  // address is not confirmed yet, or beside a short cart line: their fields, as sent.
  const known: [string, string[]][] = [
    ["/reset-password", ["token", "password"]],
    ["/verify-email", ["token"]],
    ["/account/verification", ["next"]],
    // Shown on the checkout only beside a line the pickup day cannot give.
    ["/checkout/lines", ["line", "remove", "quantity-1", "pickup", "note", "coupon"]],
    ["/invitations/:token", ["name", "password"]],
    // Shown on Ready tickets only, and the fuzz shop's orders are new.
    ["/board/orders/:id/not-collected", ["from", "goods"]],
    // Shown beside a notification when mail is set up, and beside an invited account.
    ["/admin/notifications/:id/resend", ["_csrf"]],
    ["/admin/users/:id/invitation/renew", ["_csrf"]],
    ["/admin/users/:id/invitation/withdraw", ["_csrf"]],
  ];
  for (const [pattern, names] of known) {
    const spec = specs.find((s) => s.pattern === pattern && s.method === "POST");
    for (const name of names) {
      if (!spec?.fields.has(name)) spec?.fields.set(name, { name, value: "x" });
    }
  }
  // The jobs screen shows its retry and discard forms only beside a dead letter, and the
  // shop has none: those forms carry only the CSRF token.
  for (const verb of ["retry", "discard"]) {
    specs.find((s) => s.pattern === `/admin/jobs/:queue/:id/${verb}`)?.fields.set("_csrf", {
      name: "_csrf",
      value: "",
    });
  }
});

afterAll(async () => {
  await shop?.close();
});

const cookieOf = (tokens?: { accessToken: string; refreshToken: string }): Record<string, string> =>
  tokens
    ? { Cookie: `crumb_access=${tokens.accessToken}; crumb_refresh=${tokens.refreshToken}` }
    : {};

async function attempt(
  a: Attempt,
  tokens?: { accessToken: string; refreshToken: string },
) {
  const requestId = `fuzz-${++sent}`;
  const headers: Record<string, string> = { "X-Request-Id": requestId };
  if (a.spec.api && tokens) headers.Authorization = `Bearer ${tokens.accessToken}`;
  if (!a.spec.api) Object.assign(headers, cookieOf(tokens));
  if (a.spec.method === "POST" && !a.spec.api && !a.init?.crossSite) {
    headers["Sec-Fetch-Site"] = "same-origin";
  }
  if (a.init?.type) headers["Content-Type"] = a.init.type;
  Object.assign(headers, a.init?.headers);
  const res = await shop.t.app.request(a.path, {
    method: a.spec.method,
    headers,
    body: a.spec.method === "POST" ? a.init?.body : undefined,
  });
  await res.body?.cancel();
  const logged = shop.problems.filter((p) => p.requestId === requestId);
  if (res.status >= 500 || logged.length) {
    const why = logged.map((p) => `${p.message}: ${p.error ?? ""}`.slice(0, 160)).join("; ");
    failures.push(
      `${a.spec.method} ${a.spec.pattern} as ${a.role}, ${a.label} → ${res.status} ${why}`,
    );
  }
  return res;
}

/** Routes that end the visitor's session (or replace it): each attempt gets a new one. */
const endsSession = (s: RouteSpec) =>
  /signout|signin|signup|password|auth\/(logout|login|register|refresh)/.test(s.pattern);

describe("hostile input", () => {
  it("never gets a 5xx, on any route, as anyone", async () => {
    const started = performance.now();
    const served = new Set<RouteSpec>();
    // Admins last: what they change (an archived product, a cancelled order) would keep the
    // others' honest values from reaching as deep.
    for (const role of roles) {
      for (const spec of specs) {
        const tokens = await shop.session(role, spec.api ? "api" : "web");
        const probe = attemptsFor(spec, role, "one", shop.param, tokens)[0];
        const res = await attempt(probe, tokens);
        const refused = res.status === 401 || res.status === 403 ||
          (res.status === 303 && (res.headers.get("Location") ?? "").startsWith("/signin"));
        const depth: Depth = refused ? "one" : served.has(spec) ? "some" : "full";
        if (!refused) served.add(spec);
        for (const a of attemptsFor(spec, role, depth, shop.param, tokens).slice(1)) {
          await attempt(a, refused ? tokens : await freshIfEnded(role, spec, tokens));
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `fuzz: ${sent} requests to ${specs.length} routes as ${roles.length} kinds of visitor in ${
        seconds.toFixed(1)
      } s`,
    );
    expect(failures).toEqual([]);
  }, 900_000);

  it("knows the parameters of every route that takes any", () => {
    const blind = specs.filter((s) => s.method === "POST" && !s.api && s.fields.size === 0).map((
      s,
    ) => s.pattern);
    expect(blind).toEqual([]);
  });
});

/** Routes that end the visitor's session get a new one, so the rest still runs signed in. */
async function freshIfEnded(
  role: Role,
  spec: RouteSpec,
  tokens?: { accessToken: string; refreshToken: string },
) {
  return endsSession(spec) ? await shop.session(role, spec.api ? "api" : "web") : tokens;
}
