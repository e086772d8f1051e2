import { honestJson, pathOf, type RouteSpec, withValue } from "./catalog.ts";
import {
  hostileFormBodies,
  hostileHeaders,
  hostileJson,
  hostileJsonBodies,
  hostileTexts,
} from "./hostile.ts";
import { PASSWORD, type Role } from "./shop.ts";

/** The requests the fuzz test sends: honest values with one hostile one among them. */

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

export interface Attempt {
  role: Role;
  spec: RouteSpec;
  label: string;
  path: string;
  init?: { body?: BodyInit; type?: string; headers?: Record<string, string>; crossSite?: boolean };
}

/** Honest values of path parameters, by route pattern and parameter name. */
type Params = (pattern: string, name: string) => string;

/** Query string, form body or JSON body of a route with one value replaced. */
function honestParams(spec: RouteSpec, param: Params) {
  const params = Object.fromEntries(spec.params.map((p) => [p, param(spec.pattern, p)]));
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

function honestBody(spec: RouteSpec, param: Params, tokens?: { refreshToken: string }) {
  return honestJson(spec.json!.schema, (name) => {
    if (name === "productId") return Number(param("", "productId"));
    if (name === "refreshToken") return tokens?.refreshToken ?? "none";
    if (name === "quantity") return 1;
    if (name === "status") return "baking";
    const value = honestField(name);
    return value;
  });
}

/**
 * How hard a visitor tries: every hostile value everywhere (the first kind of visitor a route
 * serves), the sharpest few (the others it serves: their code paths differ, their parsers do
 * not), or one per parameter (visitors it refuses before reading anything).
 */
export type Depth = "full" | "some" | "one";
const take = <T>(all: T[], depth: Depth, some: number, one: number) =>
  depth === "full" ? all : all.slice(0, depth === "some" ? some : one);

/** Every attempt for one route as one visitor; the first sends honest values only. */
export function attemptsFor(
  spec: RouteSpec,
  role: Role,
  depth: Depth,
  param: Params,
  tokens?: { refreshToken: string },
) {
  const out: Attempt[] = [];
  const values = take(Object.entries(hostileTexts), depth, 4, 1);
  const { params, query, fields } = honestParams(spec, param);
  const url = (p: Record<string, string>, q: Map<string, string>) => {
    const search = new URLSearchParams([...q]).toString();
    return pathOf(spec, p) + (search ? `?${search}` : "");
  };
  const honestUrl = url(params, query);
  const jsonBody = spec.json ? honestBody(spec, param, tokens) : undefined;
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
    for (const b of take(hostileFormBodies, depth, 7, 2)) {
      add(b.label, honestUrl, { body: b.body, type: b.type });
    }
    for (const b of take(hostileFormBodies, depth, 2, 1).slice(0, 4)) {
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
    const jsonValues = take(Object.entries(hostileJson), depth, 4, 1);
    for (const path of spec.json.paths) {
      for (const [label, value] of jsonValues) {
        add(
          `${path.join(".")}=${label}`,
          honestUrl,
          jsonInit(withValue(jsonBody, path, value)),
        );
      }
    }
    for (const b of take(hostileJsonBodies, depth, 10, 2)) {
      add(b.label, honestUrl, { body: b.body, type: b.type });
    }
  }
  for (const name of spec.headers) {
    add(`${name} header overlong`, honestUrl, {
      ...honestInit,
      headers: { [name]: "x".repeat(5000) },
    });
  }
  for (const h of take(hostileHeaders, depth, 2, 1)) {
    add(h.label, honestUrl, { ...honestInit, headers: h.headers });
  }
  return out;
}
