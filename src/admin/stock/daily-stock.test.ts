import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import { get, post } from "../../../tests/admin-support.ts";
import { expectOrder, order, people } from "../../../tests/orders-support.ts";
import {
  at,
  bakeryAt,
  bakeryConfig,
  dailyProduct,
  madeToOrder,
  planRow,
  SATURDAY,
  TODAY,
} from "../../../tests/bakery-support.ts";
import { sseClient } from "../../../tests/sse-client.ts";
import { ACCESS_COOKIE } from "../../accounts/middleware.ts";

/** Counter corrections of daily products on the stock screen apply to today's plan. */

let base: TestContext;
let t: TestContext;
let admin: string;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  const [owner] = await people(t, 1, "admin");
  admin = `${ACCESS_COOKIE}=${owner.token}`;
});
afterAll(() => base?.close());

const change = (id: number, fields: Record<string, string>) =>
  post(t, `/admin/stock/${id}`, admin, { note: "", ...fields });

describe("the stock screen and daily products", () => {
  it("shows today's plan left, and corrections change today only", async () => {
    const bread = await dailyProduct(t, 20);
    const [ann] = await people(t, 1);
    await expectOrder(
      await order(t, ann, {
        items: [{ productId: bread.id, quantity: 2 }],
        pickupAt: at(TODAY, "12:00"),
      }),
    );
    await expectOrder(
      await order(t, ann, {
        items: [{ productId: bread.id, quantity: 5 }],
        pickupAt: at(SATURDAY, "09:00"),
      }),
    );
    const list = await (await get(t, `/admin/stock?q=${encodeURIComponent(bread.name)}`, admin))
      .text();
    expect(list.slice(list.indexOf(`id="stock-row-${bread.id}"`))).toMatch(/^[^]*?>18\b/);

    const stream = sseClient(await t.app.request("/events/stock"));
    await stream.until((f) => f.id === "stock");
    // Three burnt, three sold over the counter, four more baked.
    expect((await change(bread.id, { change: "waste", quantity: "3" })).status).toBe(303);
    expect((await change(bread.id, { change: "sale", quantity: "3" })).status).toBe(303);
    expect((await change(bread.id, { change: "bake", quantity: "4" })).status).toBe(303);
    expect(await planRow(t, bread.id, TODAY)).toEqual({ planned: 24, ordered: 2, remaining: 16 });
    const frame = await stream.until((f) => f.data?.includes('data-stock="16"') ?? false);
    expect(frame.data).toContain(`stock-${bread.id}`);
    await stream.cancel();
    // Saturday's plan does not move.
    expect(await planRow(t, bread.id, SATURDAY)).toEqual({
      planned: 20,
      ordered: 5,
      remaining: 15,
    });
    // A count sets what is left; the shop's today follows.
    expect((await change(bread.id, { change: "set", quantity: "10" })).status).toBe(303);
    expect((await planRow(t, bread.id, TODAY))!.remaining).toBe(10);
    const api = await (await t.app.request(`/api/v1/products/${bread.id}`)).json();
    expect(api.stock).toBe(10);

    const moves = await t.sql<
      { delta: number; stockAfter: number; reason: string; planDate: string }[]
    >`
      select delta, stock_after, reason, plan_date::text as plan_date from stock_movements
      where product_id = ${bread.id} and plan_date is not null order by id`;
    // The whole ledger of its plans: each date's plan, the orders, the counter's changes.
    expect(moves).toEqual([
      { delta: 20, stockAfter: 20, reason: "plan", planDate: TODAY },
      { delta: -2, stockAfter: 18, reason: "order", planDate: TODAY },
      { delta: 20, stockAfter: 20, reason: "plan", planDate: SATURDAY },
      { delta: -5, stockAfter: 15, reason: "order", planDate: SATURDAY },
      { delta: -3, stockAfter: 15, reason: "waste", planDate: TODAY },
      { delta: -3, stockAfter: 12, reason: "sale", planDate: TODAY },
      { delta: 4, stockAfter: 16, reason: "bake", planDate: TODAY },
      { delta: -6, stockAfter: 10, reason: "set", planDate: TODAY },
    ]);
  });

  it("refuses to take more than today's plan has left, and a made-to-order product", async () => {
    const bread = await dailyProduct(t, 4);
    const refused = await change(bread.id, { change: "waste", quantity: "5" });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(
      "Only 4 left of today&#39;s plan: you cannot take 5.",
    );
    expect(await planRow(t, bread.id, TODAY)).toMatchObject({ planned: 4, remaining: 4 });
    const cake = await madeToOrder(t, 48);
    const none = await change(cake.id, { change: "bake", quantity: "2" });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain("is made to order: it has no stock to change.");
    // Only today's plan, made when the counter first looked at it: no change of it.
    const moves = await t.sql<{ reason: string; delta: number }[]>`
      select reason, delta from stock_movements
      where product_id in (${bread.id}, ${cake.id}) and plan_date is not null order by id`;
    expect(moves).toEqual([{ reason: "plan", delta: 4 }]);
  });
});
