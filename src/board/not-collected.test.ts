import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  type Account,
  account,
  boardConfig,
  Browser,
  signedIn,
  statusOf,
} from "../../tests/board-support.ts";
import type { OrderStatus } from "../orders/status.ts";

/** The end of the day: a Ready order nobody came for goes back on sale or to waste. */

let t: TestContext;
let staff: Browser;
let staffAccount: Account;
let ada: Account;
let productId: number;

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: boardConfig });
  ({ browser: staff, who: staffAccount } = await signedIn(t, "staff"));
  ada = await account(t, "customer", "Ada Lovelace");
  [{ id: productId }] = await t.sql<{ id: number }[]>`
    update products set stock = 30, kind = 'shelf' where slug = 'filter-coffee'
    returning id`;
});
afterAll(() => t?.close());

const stock = async () =>
  (await t.sql<{ stock: number }[]>`select stock from products where id = ${productId}`)[0].stock;

async function readyOrder() {
  const { order } = await t.services.orders.place({
    userId: ada.id,
    items: [{ productId, quantity: 3 }],
  });
  for (const to of ["baking", "ready"] as OrderStatus[]) {
    await t.services.orders.changeStatus(order.id, to, staffAccount);
  }
  return order;
}

const lastMovement = (orderId: number) =>
  t.sql<{ delta: number; reason: string; note: string; actorId: number }[]>`
    select delta, reason, note, actor_id from stock_movements
    where order_id = ${orderId} order by id desc limit 1`;

describe("not collected", () => {
  it("puts the goods back on sale when the shop chooses so", async () => {
    const order = await readyOrder();
    const before = await stock();
    const res = await staff.post(`/board/orders/${order.id}/not-collected`, {
      from: "ready",
      goods: "restock",
    });
    expect(res.status).toBe(303);
    expect(await statusOf(t, order.id)).toBe("cancelled");
    expect(await stock()).toBe(before + 3);
    expect(await lastMovement(order.id)).toEqual([
      {
        delta: 3,
        reason: "not_collected",
        note: "Not collected: back on sale",
        actorId: staffAccount.id,
      },
    ]);
    const [history] = await t.sql<{ reason: string; actorId: number }[]>`
      select reason, actor_id from order_status_history
      where order_id = ${order.id} order by id desc limit 1`;
    expect(history).toEqual({ reason: "Not collected: back on sale", actorId: staffAccount.id });
  });

  it("records the goods as waste, leaving the stock as it is", async () => {
    const order = await readyOrder();
    const before = await stock();
    const res = await staff.post(`/board/orders/${order.id}/not-collected`, {
      from: "ready",
      goods: "waste",
    });
    expect(res.status).toBe(303);
    expect(await statusOf(t, order.id)).toBe("cancelled");
    expect(await stock()).toBe(before);
    expect(await lastMovement(order.id)).toEqual([
      { delta: 0, reason: "waste", note: "Not collected: 3 thrown away", actorId: staffAccount.id },
    ]);
    const [history] = await t.sql<{ reason: string }[]>`
      select reason from order_status_history where order_id = ${order.id} order by id desc limit 1`;
    expect(history.reason).toBe("Not collected: thrown away");
  });

  it("is offered on Ready tickets only, and refused for others", async () => {
    const order = await readyOrder();
    const { html } = await staff.get("/board");
    expect(html).toContain(`action="/board/orders/${order.id}/not-collected"`);
    const { order: fresh } = await t.services.orders.place({
      userId: ada.id,
      items: [{ productId, quantity: 1 }],
    });
    expect(html).not.toContain(`action="/board/orders/${fresh.id}/not-collected"`);
    const res = await staff.post(`/board/orders/${fresh.id}/not-collected`, {
      from: "placed",
      goods: "waste",
    }, { "HX-Request": "true" });
    expect(JSON.parse(res.headers.get("HX-Trigger")!)["board-notice"].message).toMatch(
      /Only a ready order can be left not collected/,
    );
    expect(await statusOf(t, fresh.id)).toBe("placed");
    const missing = await staff.post(`/board/orders/${order.id}/not-collected`, { from: "ready" });
    expect(missing.status).toBe(400);
    expect(await statusOf(t, order.id)).toBe("ready");
  });
});
