import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CookieBrowser } from "../cookie-browser.ts";
import { createTestContext, eventually, type TestContext, uniqueId } from "../harness.ts";
import { COMMAND_TIMEOUT_MS, type StoreOutage, storeOutage } from "../store-outage.ts";

/**
 * Redis away (cut: refused at once; hung: silent until the command timeout) and the shop
 * keeps selling: signed-in customers' carts and checkout work from the database, sign-in
 * counts failures in this process, a guest's cart says clearly why it cannot be kept, and
 * the whole costs one timeout, not one per store call.
 */

const PASSWORD = "crumbs-on-the-counter";

/** Elapsed milliseconds of each step, to show where waiting happens. */
async function timed<T>(step: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await step();
  return [result, performance.now() - started];
}

for (const mode of ["cut", "hung"] as const) {
  describe(`Redis ${mode}`, () => {
    let outage: StoreOutage;
    let t: TestContext;
    let loaf: { id: number; name: string };
    let bun: { id: number; name: string };

    beforeAll(async () => {
      outage = await storeOutage();
      t = await createTestContext({
        seed: true,
        store: outage.store,
        config: { OPENING_HOURS: "mon-sun 00:00-23:45" },
      });
      [loaf, bun] = await t.sql<{ id: number; name: string }[]>`
        update products set stock = 500 where slug in ('country-sourdough', 'cinnamon-bun')
        returning id, name`;
    });
    afterEach(async () => {
      await outage.restore();
      // The breaker closes on its next probe.
      await eventually(async () => (await outage.store.ping().then(() => true, () => false)), {
        timeoutMs: 15_000,
        intervalMs: 100,
      });
    });
    afterAll(async () => {
      await t?.close();
      await outage?.close();
    });

    const browser = (ip = `198.18.50.${Math.floor(Math.random() * 200) + 1}`) =>
      new CookieBrowser(() => t.app, ip);

    async function customer() {
      const email = `outage-${uniqueId()}@example.com`;
      await t.services.accounts.manage.register(
        { email, password: PASSWORD, name: "Outage Customer" },
        { ip: "192.0.2.1", userAgent: "store-outage-test" },
        "customer",
        { emailVerified: true },
      );
      const b = browser();
      expect((await b.post("/signin", { email, password: PASSWORD })).res.status).toBe(303);
      return { browser: b, email };
    }

    const breakStore = () => mode === "cut" ? outage.cut() : outage.hang();

    it("a signed-in customer's cart and checkout work, one timeout at most", async () => {
      const { browser: shopper } = await customer();
      expect(
        (await shopper.post("/cart/items", { productId: String(loaf.id), quantity: "2" }))
          .res.status,
      ).toBe(303);

      await breakStore();
      const [cart, first] = await timed(() => shopper.get("/cart"));
      expect(cart.res.status).toBe(200);
      expect(cart.html).toContain(loaf.name);
      expect(first).toBeLessThan(COMMAND_TIMEOUT_MS + 1500);

      const steps: number[] = [];
      const [added, addMs] = await timed(() =>
        shopper.post("/cart/items", { productId: String(bun.id), quantity: "1" })
      );
      steps.push(addMs);
      expect(added.res.status).toBe(303);
      const [checkout, openMs] = await timed(() => shopper.get("/checkout"));
      steps.push(openMs);
      expect(checkout.res.status).toBe(200);
      expect(checkout.html).toContain(bun.name);
      const token = checkout.html.match(/name="token" value="([0-9a-f-]{36})"/)![1];
      const [placed, placeMs] = await timed(() =>
        shopper.post("/checkout", { token, pickup: "asap", note: "" })
      );
      steps.push(placeMs);
      expect(placed.res.status).toBe(303);
      const orderId = Number(
        /^\/orders\/(\d+)\?placed=1$/.exec(placed.res.headers.get("Location")!)?.[1],
      );
      // With the circuit open, the store costs nothing more: no step waits a timeout.
      for (const ms of steps) expect(ms).toBeLessThan(COMMAND_TIMEOUT_MS);

      const items = await t.sql<{ productId: number; quantity: number }[]>`
        select product_id, quantity from order_items where order_id = ${orderId} order by product_id`;
      expect(items).toEqual(
        [{ productId: loaf.id, quantity: 2 }, { productId: bun.id, quantity: 1 }]
          .sort((a, b) => a.productId - b.productId),
      );
      const emptied = await shopper.get("/cart");
      expect(emptied.res.status).toBe(200);
      expect(emptied.html).not.toContain(loaf.name);
      expect((await shopper.get(`/orders/${orderId}`)).res.status).toBe(200);
    });

    it("signs in on the page and the API, counting failures in this process", async () => {
      const email = `signin-${uniqueId()}@example.com`;
      await t.services.accounts.manage.register(
        { email, password: PASSWORD, name: "Signs In" },
        { ip: "192.0.2.1", userAgent: "store-outage-test" },
      );
      await breakStore();
      const [page, pageMs] = await timed(() =>
        browser().post("/signin", { email, password: PASSWORD })
      );
      expect(page.res.status).toBe(303);
      expect(pageMs).toBeLessThan(COMMAND_TIMEOUT_MS + 1500);
      const login = (password: string) =>
        t.app.request("/api/v1/auth/login", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ email, password }),
        }, { remoteAddr: { hostname: "203.0.113.150", port: 1, transport: "tcp" } });
      const [api, apiMs] = await timed(async () => await login(PASSWORD));
      expect(api.status).toBe(200);
      expect(apiMs).toBeLessThan(COMMAND_TIMEOUT_MS);
      for (let i = 0; i < 5; i++) expect((await login(`wrong-${i}-password`)).status).toBe(401);
      const locked = await login(PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.headers.get("Retry-After")).not.toBeNull();
    });

    it("tells a guest plainly that their cart cannot be kept, without a 500", async () => {
      const guest = browser();
      expect(
        (await guest.post("/cart/items", { productId: String(loaf.id), quantity: "1" }))
          .res.status,
      ).toBe(303);
      await breakStore();
      const add = await guest.post("/cart/items", { productId: String(bun.id), quantity: "1" });
      expect(add.res.status).toBe(503);
      expect(add.res.headers.get("Retry-After")).toBe("30");
      expect(add.html).toContain("We can&#39;t keep a cart for guests right now.");
      const cart = await guest.get("/cart");
      expect(cart.res.status).toBe(503);
      expect(cart.html).toContain("Sign in (or create an account) to keep your cart");
      // The catalog still sells (from the database).
      expect((await guest.get("/")).res.status).toBe(200);
      expect((await guest.get("/api/v1/products")).res.status).toBe(200);

      await outage.restore();
      await eventually(async () => (await guest.get("/cart")).res.status === 200, {
        timeoutMs: 15_000,
        intervalMs: 100,
      });
      expect((await guest.get("/cart")).html).toContain(loaf.name);
    });
  });
}
