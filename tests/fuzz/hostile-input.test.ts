import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  honestJson,
  learnFromOpenApi,
  learnFromPage,
  pathOf,
  type RouteSpec,
  routeTable,
  withValue,
} from "./catalog.ts";
import {
  hostileFormBodies,
  hostileHeaders,
  hostileJson,
  hostileJsonBodies,
  hostileTexts,
} from "./hostile.ts";
import { type FuzzShop, openFuzzShop, PASSWORD, type Role, roles } from "./shop.ts";

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
});

afterAll(async () => {
  await shop?.close();
});

const cookieOf = (tokens?: { accessToken: string; refreshToken: string }): Record<string, string> =>
  tokens
    ? { Cookie: `crumb_access=${tokens.accessToken}; crumb_refresh=${tokens.refreshToken}` }
    : {};

let serial = 0;
/** What an honest visitor types into a field that a page leaves empty. */
function honestField(name: string): string | undefined {
  const n = ++serial;
  const values: Record<string, string> = {
    email: `fuzz.new.${n}.${crypto.randomUUID().slice(0, 6)}@example.com`,
    password: PASSWORD,
    currentPassword: PASSWORD,
    newPassword: `fresh-crust-${n}-${crypto.randomUUID()}`,
    name: `Fuzz ${n}`,
    slug: `fuzz-${n}-${crypto.randomUUID().slice(0, 6)}`,
    code: `FUZZ${n}`,
    price: "2.50",
    value: "10",
    quantity: "1",
    amount: "1",
    note: "extra crusty",
    reason: "a reason",
  };
  return values[name];
}

interface Attempt {
  role: Role;
  spec: RouteSpec;
  label: string;
  path: string;
  init?: { body?: BodyInit; type?: string; headers?: Record<string, string>; crossSite?: boolean };
}

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

/** Query string, form body or JSON body of a route with one value replaced. */
function honestParams(spec: RouteSpec) {
  const params = Object.fromEntries(spec.params.map((p) => [p, shop.param(spec.pattern, p)]));
  const query = new Map([...spec.query].map(([k, v]) => [k, v || honestField(k) || ""]));
  const fields = [...spec.fields.values()].filter((f) => !f.file).map((f) =>
    [f.name, f.value || honestField(f.name) || ""] as [string, string]
  );
  return { params, query, fields };
}

/** A file part: its name and its bytes as a hostile client would write them. */
const FILE = Symbol("file");

/**
 * Multipart written by hand, as bytes: the platform's FormData refuses to write what a
 * hostile client would (a NUL in a file name), so it cannot stand in for one.
 */
function multipart(fields: [string, string | typeof FILE][]) {
  const boundary = "fuzzboundary";
  const parts = fields.map(([name, value]) =>
    value === FILE
      ? `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="a\u0000\u0007.txt"\r\nContent-Type: text/plain\r\n\r\n\u0000bread\r\n`
      : `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  );
  return {
    body: new TextEncoder().encode(`${parts.join("")}--${boundary}--\r\n`),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

function formInit(spec: RouteSpec, fields: [string, string | typeof FILE][]) {
  if (spec.multipart || fields.some(([, v]) => v === FILE)) return multipart(fields);
  const body = new URLSearchParams(fields as [string, string][]).toString();
  return { body, type: "application/x-www-form-urlencoded" };
}

function jsonInit(body: unknown) {
  return { body: JSON.stringify(body), type: "application/json" };
}

function honestBody(spec: RouteSpec, tokens?: { refreshToken: string }) {
  return honestJson(spec.json!.schema, (name) => {
    if (name === "productId") return Number(shop.param("", "productId"));
    if (name === "refreshToken") return tokens?.refreshToken ?? "none";
    if (name === "quantity") return 1;
    if (name === "status") return "baking";
    const value = honestField(name);
    return value;
  });
}

/** Every attempt for one route as one visitor; `full` sends every hostile value everywhere. */
function attemptsFor(
  spec: RouteSpec,
  role: Role,
  full: boolean,
  tokens?: { refreshToken: string },
) {
  const out: Attempt[] = [];
  const values = full ? Object.entries(hostileTexts) : [["nul", hostileTexts.nul]];
  const { params, query, fields } = honestParams(spec);
  const url = (p: Record<string, string>, q: Map<string, string>) => {
    const search = new URLSearchParams([...q]).toString();
    return pathOf(spec, p) + (search ? `?${search}` : "");
  };
  const honestUrl = url(params, query);
  const jsonBody = spec.json ? honestBody(spec, tokens) : undefined;
  const honestInit = spec.json ? jsonInit(jsonBody) : formInit(spec, fields);
  const add = (label: string, path: string, init: Attempt["init"] = honestInit) =>
    out.push({ role, spec, label, path, init });

  add("honest values", honestUrl);
  for (const name of spec.params) {
    for (const [label, value] of values) {
      add(`${name}=${label}`, url({ ...params, [name]: value }, query));
    }
  }
  for (const key of query.keys()) {
    for (const [label, value] of values) {
      add(`?${key}=${label}`, url(params, new Map([...query, [key, value]])));
    }
    add(`?${key} twice`, `${honestUrl}${honestUrl.includes("?") ? "&" : "?"}${key}=1&${key}=2`);
  }
  if (spec.method === "POST" && !spec.json) {
    // The CSRF token is read only when a form comes without Origin or Sec-Fetch-Site.
    const names = [...new Set([...fields.map(([k]) => k), ...[...spec.fields.keys()]])]
      .filter((name) => name !== "_csrf");
    for (const name of names) {
      const others = fields.filter(([k]) => k !== name);
      for (const [label, value] of values) {
        add(`${name}=${label}`, honestUrl, formInit(spec, [...others, [name, value]]));
      }
      add(`${name} twice`, honestUrl, formInit(spec, [...others, [name, "1"], [name, "2"]]));
      add(`${name} as a file`, honestUrl, formInit(spec, [...others, [name, FILE]]));
    }
    for (const b of hostileFormBodies) add(b.label, honestUrl, { body: b.body, type: b.type });
    for (const b of hostileFormBodies.slice(0, 4)) {
      add(`${b.label}, no origin`, honestUrl, { body: b.body, type: b.type, crossSite: true });
    }
    for (const [label, value] of values.slice(0, 3)) {
      const init = formInit(spec, [...fields.filter(([k]) => k !== "_csrf"), ["_csrf", value]]);
      add(`_csrf=${label}, no origin`, honestUrl, { ...init, crossSite: true });
    }
    add("_csrf as a file, no origin", honestUrl, {
      ...formInit(spec, [...fields, ["_csrf", FILE]]),
      crossSite: true,
    });
  }
  if (spec.json) {
    const jsonValues = full ? Object.entries(hostileJson) : [["nul", hostileJson.nul]];
    for (const path of spec.json.paths) {
      for (const [label, value] of jsonValues) {
        add(
          `${path.join(".")}=${label}`,
          honestUrl,
          jsonInit(withValue(jsonBody, path, value)),
        );
      }
    }
    for (const b of hostileJsonBodies) add(b.label, honestUrl, { body: b.body, type: b.type });
  }
  for (const name of spec.headers) {
    add(`${name} header overlong`, honestUrl, {
      ...honestInit,
      headers: { [name]: "x".repeat(5000) },
    });
  }
  for (const h of full ? hostileHeaders : hostileHeaders.slice(0, 1)) {
    add(h.label, honestUrl, { ...honestInit, headers: h.headers });
  }
  return out;
}

/** Routes that end the visitor's session (or replace it): each attempt gets a new one. */
const endsSession = (s: RouteSpec) =>
  /signout|signin|signup|password|auth\/(logout|login|register|refresh)/.test(s.pattern);

describe("hostile input", () => {
  it("never gets a 5xx, on any route, as anyone", async () => {
    const started = performance.now();
    for (const role of roles) {
      for (const spec of specs) {
        const tokens = await shop.session(role, spec.api ? "api" : "web");
        const probe = attemptsFor(spec, role, false, tokens)[0];
        const res = await attempt(probe, tokens);
        const refused = res.status === 401 || res.status === 403 ||
          (res.status === 303 && (res.headers.get("Location") ?? "").startsWith("/signin"));
        // A visitor the route refuses never reaches its parsers: one hostile value per
        // parameter shows that; the visitors it serves get all of them.
        const t0 = performance.now();
        const n0 = sent;
        for (const a of attemptsFor(spec, role, !refused, tokens).slice(1)) {
          await attempt(a, refused ? tokens : await freshIfEnded(role, spec, tokens));
        }
        console.log(
          role,
          spec.method,
          spec.pattern,
          sent - n0,
          (performance.now() - t0).toFixed(0),
        );
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
