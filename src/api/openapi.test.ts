import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";

/** The OpenAPI document, as a client generator reads it. */

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  requestBody?: { content: Record<string, { schema?: unknown }> };
}
interface Document {
  info: { license?: { name: string } };
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { example?: unknown }>;
    securitySchemes: Record<string, unknown>;
  };
}

let t: TestContext;
let doc: Document;
beforeAll(async () => {
  t = await createTestContext();
  doc = await (await t.app.request("/api/openapi.json")).json();
});
afterAll(() => t?.close());

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op }))
  );

describe("the OpenAPI document", () => {
  it("names a license", () => {
    expect(doc.info.license?.name).toEqual(expect.any(String));
  });

  it("gives every operation a unique operationId, declared security and its 4xx answers", () => {
    const ids = new Set<string>();
    for (const { name, op } of operations()) {
      expect(op.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.has(op.operationId!), `${name}: ${op.operationId} used twice`).toBe(false);
      ids.add(op.operationId!);
      expect(Array.isArray(op.security), `${name} declares its security`).toBe(true);
      expect(Object.keys(op.responses).some((s) => /^4\d\d$/.test(s)), `${name} 4xx`).toBe(true);
      for (const requirement of op.security!) {
        for (const scheme of Object.keys(requirement)) {
          expect(doc.components.securitySchemes, `${name}: ${scheme}`).toHaveProperty(scheme);
        }
      }
    }
    expect(ids.size).toBeGreaterThan(30);
  });

  it("says which operations are public (no security) and which take an admin", () => {
    const op = (method: string, path: string) => doc.paths[path][method];
    for (
      const [method, path] of [
        ["get", "/products"],
        ["get", "/products/{idOrSlug}"],
        ["get", "/categories"],
        ["get", "/pickup/days"],
        ["get", "/pickup/slots"],
        ["post", "/auth/login"],
        ["post", "/auth/register"],
        ["post", "/auth/refresh"],
      ]
    ) {
      expect(op(method, path).security, `${method} ${path}`).toEqual([]);
    }
    expect(op("post", "/orders").security).toEqual([{ bearerAuth: [] }]);
    expect(op("get", "/cart").security).toEqual([{ bearerAuth: [] }]);
    for (
      const [method, path] of [
        ["get", "/admin/bake-plan/{date}"],
        ["put", "/admin/bake-plan/{date}"],
        ["put", "/admin/products/{id}/schedule"],
        ["get", "/admin/pickup-settings"],
        ["put", "/admin/pickup-settings"],
        ["get", "/admin/closures"],
        ["post", "/admin/closures"],
        ["delete", "/admin/closures/{id}"],
      ]
    ) {
      expect(op(method, path).security, `${method} ${path}`).toEqual([
        { bearerAuth: [] },
        { cookieAuth: [], csrfToken: [] },
      ]);
      expect(op(method, path).responses).toHaveProperty("403");
    }
  });

  it("lists the new refusals of placing an order", () => {
    const place = doc.paths["/orders"].post;
    const described = JSON.stringify(place.responses);
    for (
      const code of [
        "slot_full",
        "closed",
        "lead_time",
        "cutoff",
        "beyond_horizon",
        "insufficient_stock",
      ]
    ) {
      expect(described, code).toContain(code);
    }
  });

  it("has examples for the bakery's answers and bodies", () => {
    for (
      const name of [
        "PickupDays",
        "PickupSlots",
        "Cart",
        "BakePlan",
        "BakePlanWrite",
        "ProductSchedule",
        "PickupSettings",
        "ClosureWrite",
      ]
    ) {
      expect(doc.components.schemas[name]?.example, name).toBeDefined();
    }
    expect(doc.paths["/admin/bake-plan/{date}"].get.responses["200"].content).toHaveProperty(
      "text/csv",
    );
  });
});
