import type { Hono } from "hono";
import { type Field, formsOf, linkQueriesOf } from "./forms.ts";

/**
 * Every route of the app with every parameter it takes: walked from Hono's route table, with
 * the path parameters of its pattern, the fields of the forms that post to it and the query
 * keys of the links and filters that lead to it (read from the rendered pages), and the query,
 * header and body parameters the OpenAPI document gives for the API.
 */

export type Method = "GET" | "POST";

export interface RouteSpec {
  method: Method;
  pattern: string;
  api: boolean;
  params: string[];
  /** Query keys and an honest value each. */
  query: Map<string, string>;
  /** Form fields and what the form would send. */
  fields: Map<string, Field>;
  multipart: boolean;
  /** API bodies: the properties (as paths) an honest body has. */
  json?: { schema: JsonSchema; paths: string[][] };
  headers: string[];
}

// deno-lint-ignore no-explicit-any
export type JsonSchema = Record<string, any>;

export function routeTable(app: Hono<never>): RouteSpec[] {
  const seen = new Map<string, RouteSpec>();
  for (const route of app.routes) {
    if (route.method !== "GET" && route.method !== "POST") continue;
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) continue;
    seen.set(key, {
      method: route.method,
      pattern: route.path,
      api: route.path.startsWith("/api/"),
      params: [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]),
      query: new Map(),
      fields: new Map(),
      multipart: false,
      headers: [],
    });
  }
  return [...seen.values()];
}

/** Percent-encoded; a lone surrogate becomes the bytes a UTF-8 encoder would refuse to make. */
const encode = (value: string) =>
  [...value].map((ch) => /^[\ud800-\udfff]$/.test(ch) ? "%ED%A0%80" : encodeURIComponent(ch))
    .join("");

/** The pattern with these values in its parameters (encoded, as a client would send them). */
export function pathOf(spec: RouteSpec, values: Record<string, string>) {
  return spec.pattern.replace(
    /:(\w+)(\{[^}]*\})?/g,
    (_, name: string) => encode(values[name] ?? "1"),
  );
}

function matcherOf(pattern: string) {
  const source = pattern.replace(/\./g, "\\.").replace(
    /:(\w+)(\{([^}]*)\})?/g,
    (_, _name, _braces, re) => `(${re ?? "[^/]+"})`,
  );
  return new RegExp(`^${source}$`);
}

export function specFor(specs: RouteSpec[], method: Method, path: string) {
  return specs.find((s) => s.method === method && !s.api && matcherOf(s.pattern).test(path));
}

/** Adds what one rendered page shows about the routes its forms and links lead to. */
export function learnFromPage(specs: RouteSpec[], html: string, pagePath: string) {
  for (const form of formsOf(html, pagePath)) {
    const spec = specFor(specs, form.method, form.action);
    if (!spec) continue;
    spec.multipart ||= form.multipart;
    for (const field of form.fields) {
      const target = form.method === "GET" ? spec.query : undefined;
      if (target) {
        if (!target.has(field.name)) target.set(field.name, field.value ?? "");
      } else if (!spec.fields.has(field.name) || spec.fields.get(field.name)!.value === undefined) {
        spec.fields.set(field.name, field);
      }
    }
  }
  for (const [path, keys] of linkQueriesOf(html)) {
    const spec = specFor(specs, "GET", path);
    if (!spec) continue;
    for (const [key, value] of keys) if (!spec.query.has(key)) spec.query.set(key, value);
  }
}

/** Adds the API's parameters and bodies from its OpenAPI document. */
export function learnFromOpenApi(specs: RouteSpec[], doc: JsonSchema) {
  const base = doc.servers?.[0]?.url ?? "";
  const resolve = (schema: JsonSchema): JsonSchema =>
    schema?.$ref ? resolve(doc.components.schemas[schema.$ref.split("/").pop()]) : schema;
  for (const [path, operations] of Object.entries(doc.paths as Record<string, JsonSchema>)) {
    const pattern = base + path.replace(/\{(\w+)\}/g, ":$1");
    for (const [method, operation] of Object.entries(operations)) {
      const spec = specs.find((s) =>
        s.method === method.toUpperCase() && s.pattern.replace(/\{[^}]*\}/g, "") === pattern
      );
      if (!spec) continue;
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === "query") spec.query.set(parameter.name, "");
        if (parameter.in === "header") spec.headers.push(parameter.name);
      }
      const body = operation.requestBody?.content?.["application/json"]?.schema;
      if (body) {
        const schema = inline(resolve(body), resolve);
        spec.json = { schema, paths: propertyPaths(schema) };
      }
    }
  }
}

function inline(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): JsonSchema {
  const s = resolve(schema);
  if (s.type === "object") {
    const properties = Object.fromEntries(
      Object.entries(s.properties ?? {}).map(([k, v]) => [k, inline(v as JsonSchema, resolve)]),
    );
    return { ...s, properties };
  }
  if (s.type === "array") return { ...s, items: inline(s.items ?? {}, resolve) };
  return s;
}

/** Every property of a body schema, nested ones too (arrays by their first item). */
function propertyPaths(schema: JsonSchema, prefix: string[] = []): string[][] {
  if (schema.type === "object") {
    return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => [
      [...prefix, name],
      ...propertyPaths(child as JsonSchema, [...prefix, name]),
    ]);
  }
  if (schema.type === "array") return propertyPaths(schema.items ?? {}, [...prefix, "0"]);
  return [];
}

/** An honest body for a schema; `named` gives values for properties by name. */
export function honestJson(
  schema: JsonSchema,
  named: (name: string) => unknown,
  name = "",
): unknown {
  const given = named(name);
  if (given !== undefined) return given;
  if (schema.enum) return schema.enum[0];
  if (schema.example !== undefined) return schema.example;
  switch (schema.type) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
          const value = honestJson(child as JsonSchema, named, key);
          return value === undefined || !(schema.required ?? []).includes(key) &&
              named(key) === undefined && (child as JsonSchema).example === undefined
            ? []
            : [[key, value]];
        }),
      );
    case "array":
      return [honestJson(schema.items ?? {}, named, name)];
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return true;
    default:
      return "bread";
  }
}

/** `body` with the value at `path` replaced. */
export function withValue(body: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) node[key] = value;
    else {
      node[key] ??= /^\d+$/.test(path[i + 1]) ? [] : {};
      node = node[key] as Record<string, unknown>;
    }
  }
  return copy;
}
