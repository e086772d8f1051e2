import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { hashPassword } from "../accounts/passwords.ts";
import { insertUser } from "../accounts/queries.ts";

/** Signed-in pages and personal API answers are never kept by a cache. */

let t: TestContext;
let cookie: string;
let bearer: string;
let orderId: number;

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { OPENING_HOURS: "mon-sun 00:00-23:45" } });
  const user = (await insertUser(t.sql, {
    email: "private@example.com",
    name: "Pat Private",
    passwordHash: await hashPassword("crumbs-on-the-counter"),
  }))!;
  const meta = { ip: "192.0.2.90", userAgent: "cache-test" };
  const web = await t.services.accounts.sessions.startSession(user, meta, "web");
  cookie = `crumb_access=${web.accessToken}; crumb_refresh=${web.refreshToken}`;
  bearer = (await t.services.accounts.sessions.startSession(user, meta, "api")).accessToken;
  const [product] = await t.sql<{ id: number }[]>`
    select id from products where active and stock > 0 order by id limit 1`;
  const placed = await t.services.orders.place({
    userId: user.id,
    items: [{ productId: product.id, quantity: 1 }],
  });
  orderId = placed.order.id;
});
afterAll(() => t?.close());

const PRIVATE = "private, no-store";

describe("Cache-Control", () => {
  it("is private and no-store on every page a signed-in person gets", async () => {
    for (const path of ["/", "/account", "/account/orders", `/orders/${orderId}`, "/cart"]) {
      const res = await t.app.request(path, { headers: { Cookie: cookie } });
      await res.body?.cancel();
      expect({ path, status: res.status, cache: res.headers.get("Cache-Control") }).toEqual({
        path,
        status: 200,
        cache: PRIVATE,
      });
    }
  });

  it("is private and no-store on the personal API answers", async () => {
    const headers = { Authorization: `Bearer ${bearer}` };
    for (const path of ["/api/v1/me", "/api/v1/orders", `/api/v1/orders/${orderId}`]) {
      const res = await t.app.request(path, { headers });
      await res.body?.cancel();
      expect({ path, status: res.status, cache: res.headers.get("Cache-Control") }).toEqual({
        path,
        status: 200,
        cache: PRIVATE,
      });
    }
  });

  it("is left to the route for visitors who are not signed in", async () => {
    const page = await t.app.request("/");
    await page.body?.cancel();
    expect(page.headers.get("Cache-Control")).toBeNull();
    const api = await t.app.request("/api/v1/products");
    await api.body?.cancel();
    expect(api.headers.get("Cache-Control")).toBeNull();
  });
});
