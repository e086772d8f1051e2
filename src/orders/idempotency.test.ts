import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  type ApiOrder,
  expectError,
  order,
  people,
  type Person,
  productsWithStock,
  stockOf,
} from "../../tests/orders-support.ts";
import { silentLogger } from "../infra/log.ts";
import { createBakery } from "../bakery/service.ts";
import { createWords } from "../bakery/words.ts";
import { createOrders } from "./service.ts";

/** Idempotency-Key: a retried or double-sent checkout places one order, never two. */

let t: TestContext;
let ann: Person, bob: Person, cy: Person, dee: Person, eve: Person, fay: Person;

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
  [ann, bob, cy, dee, eve, fay] = await people(t, 6);
});
afterAll(() => t?.close());

const rows = async (table: "orders" | "outbox", userId?: number) => {
  const [row] = table === "orders"
    ? await t.sql<{ n: number }[]>`select count(*)::int as n from orders where user_id = ${userId!}`
    : await t.sql<{ n: number }[]>`select count(*)::int as n from outbox`;
  return row.n;
};

describe("the same key and the same body", () => {
  it("answers a repeat with the order placed the first time (200), taking stock once", async () => {
    const [loaf] = await productsWithStock(t, [10]);
    const body = { items: [{ productId: loaf.id, quantity: 2 }], note: "sliced please" };
    const first = await order(t, ann, body, "key-once");
    expect(first.status).toBe(201);
    const placed = (await first.json()) as ApiOrder;

    const again = await order(t, ann, body, "key-once");
    expect(again.status).toBe(200);
    const replay = (await again.json()) as ApiOrder;
    expect(replay.id).toBe(placed.id);
    expect(replay.code).toBe(placed.code);
    expect(replay.items).toEqual(placed.items);
    expect(await stockOf(t, loaf.id)).toBe(8);
    expect(await rows("orders", ann.id)).toBe(1);
  });

  it("lines in another order are the same request", async () => {
    const [a, b] = await productsWithStock(t, [5, 5]);
    const first = await order(t, bob, {
      items: [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }],
    }, "key-lines");
    expect(first.status).toBe(201);
    const again = await order(t, bob, {
      items: [{ productId: b.id, quantity: 1 }, { productId: a.id, quantity: 1 }],
    }, "key-lines");
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe((await first.json()).id);
    expect([await stockOf(t, a.id), await stockOf(t, b.id)]).toEqual([4, 4]);
  });

  it("sent 10 times at once: one order, one decrement, one event, nine replays", async () => {
    const [cake] = await productsWithStock(t, [10]);
    const outboxBefore = await rows("outbox");
    const body = { items: [{ productId: cake.id, quantity: 3 }] };
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const res = await order(t, cy, body, "key-burst");
        return { status: res.status, body: (await res.json()) as ApiOrder };
      }),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      200,
      201,
    ]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await stockOf(t, cake.id)).toBe(7);
    expect(await rows("orders", cy.id)).toBe(1);
    expect(await rows("outbox")).toBe(outboxBefore + 1);
  });

  it("belongs to one customer: another customer's same key is a new order", async () => {
    const [bun] = await productsWithStock(t, [10]);
    const body = { items: [{ productId: bun.id, quantity: 1 }] };
    const mine = await order(t, dee, body, "key-shared");
    const theirs = await order(t, eve, body, "key-shared");
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect((await mine.json()).id).not.toBe((await theirs.json()).id);
    expect(await stockOf(t, bun.id)).toBe(8);
  });
});

describe("the same key with something else", () => {
  it("is a 409 idempotency_conflict and changes nothing", async () => {
    const [loaf] = await productsWithStock(t, [10]);
    const first = await order(t, ann, { items: [{ productId: loaf.id, quantity: 1 }] }, "key-x");
    expect(first.status).toBe(201);
    for (
      const other of [
        { items: [{ productId: loaf.id, quantity: 2 }] },
        { items: [{ productId: loaf.id, quantity: 1 }], note: "extra crusty" },
        { items: [{ productId: loaf.id, quantity: 1 }], couponCode: "NOPE" },
        {},
      ]
    ) {
      await expectError(await order(t, ann, other, "key-x"), 409, "idempotency_conflict");
    }
    expect(await stockOf(t, loaf.id)).toBe(9);
  });
});

describe("a failed attempt", () => {
  it("does not burn the key: after a restock the same key places the order", async () => {
    const [tart] = await productsWithStock(t, [1]);
    const body = { items: [{ productId: tart.id, quantity: 2 }] };
    await expectError(await order(t, bob, body, "key-retry"), 409, "insufficient_stock");
    await expectError(await order(t, bob, body, "key-retry"), 409, "insufficient_stock");
    await t.services.catalog.setStock(tart.id, 5);
    const res = await order(t, bob, body, "key-retry");
    expect(res.status).toBe(201);
    expect(await stockOf(t, tart.id)).toBe(3);
    expect((await order(t, bob, body, "key-retry")).status).toBe(200);
  });
});

describe("an order from the cart", () => {
  it("retried after the first attempt emptied the cart: the same order, not an error", async () => {
    const [pie] = await productsWithStock(t, [10]);
    await t.services.cart.add({ userId: fay.id }, pie.id, 2);
    const first = await order(t, fay, { pickupAt: "asap" }, "key-cart");
    expect(first.status).toBe(201);
    const placed = (await first.json()) as ApiOrder;
    expect(await t.services.carts.count({ userId: fay.id })).toBe(0);

    const again = await order(t, fay, { pickupAt: "asap" }, "key-cart");
    expect(again.status).toBe(200);
    expect(((await again.json()) as ApiOrder).id).toBe(placed.id);
    expect(await stockOf(t, pie.id)).toBe(8);
    expect(await rows("orders", fay.id)).toBe(1);
  });

  it("double-sent at once: one order", async () => {
    const [pie] = await productsWithStock(t, [10]);
    await t.services.cart.add({ userId: fay.id }, pie.id, 1);
    const answers = await Promise.all(
      [1, 2].map(() => order(t, fay, {}, "key-cart-twice").then((r) => r.status)),
    );
    expect(answers.sort()).toEqual([200, 201]);
    expect(await stockOf(t, pie.id)).toBe(9);
    expect(await rows("orders", fay.id)).toBe(2);
  });

  it("without a key, an empty cart is still refused", async () => {
    await expectError(await order(t, fay, {}), 400, "empty_order");
  });
});

describe("a retry after the chosen pickup time has passed", () => {
  it("finds its order instead of refusing the time", async () => {
    // Saturday 2026-06-06, 09:00 in Paris (open 07:30-17:00); slots every 15 minutes from 09:30.
    let clock = new Date("2026-06-06T07:00:00Z");
    const words = createWords({ locale: "en-GB", timeZone: "Europe/Paris" });
    const rules = { prepMinutes: 20, timeZone: "Europe/Paris", words };
    const orders = createOrders({
      sql: t.sql,
      live: t.live,
      relay: { afterCommit: () => {} },
      log: silentLogger,
      bakery: createBakery({ sql: t.sql, live: t.live, ...rules, now: () => clock }),
      pickup: rules,
      currency: "EUR",
      money: (cents) => `€${cents / 100}`,
      date: (at) => at.toISOString(),
      now: () => clock,
    });
    const [loaf] = await productsWithStock(t, [5]);
    const input = {
      userId: ann.id,
      items: [{ productId: loaf.id, quantity: 1 }],
      pickup: "2026-06-06T07:30:00.000Z",
      idempotencyKey: "key-slot",
    };
    const first = await orders.place(input);
    expect(first.replayed).toBe(false);
    expect(first.order.pickupAt.toISOString()).toBe("2026-06-06T07:30:00.000Z");

    clock = new Date("2026-06-06T08:00:00Z"); // the slot is now in the past
    const again = await orders.place(input);
    expect(again).toMatchObject({ replayed: true, order: { id: first.order.id } });
    // The same time written as the shop's wall clock is the same request.
    const local = await orders.place({ ...input, pickup: "2026-06-06T09:30" });
    expect(local).toMatchObject({ replayed: true, order: { id: first.order.id } });
    expect(await stockOf(t, loaf.id)).toBe(4);
    // A new key for that time is refused: the slot has passed.
    await expect(orders.place({ ...input, idempotencyKey: "key-slot-2" })).rejects.toMatchObject({
      code: "validation_failed",
      fields: { pickupAt: expect.any(String) },
    });
  });
});

describe("the checkout form sent twice", () => {
  const submit = (who: Person, token: string) =>
    t.app.request("/checkout", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Sec-Fetch-Site": "same-origin",
        Cookie: `crumb_access=${who.token}`,
      },
      body: new URLSearchParams({ token, pickup: "asap" }),
    });

  it("the second submission (cart already emptied) leads to the same order", async () => {
    const [who] = await people(t, 1);
    const [loaf] = await productsWithStock(t, [10]);
    await t.services.cart.add({ userId: who.id }, loaf.id, 2);
    const token = crypto.randomUUID();
    const first = await submit(who, token);
    expect(first.status).toBe(303);
    const location = first.headers.get("Location");
    expect(location).toMatch(/^\/orders\/\d+/);
    const again = await submit(who, token);
    expect({ status: again.status, location: again.headers.get("Location") }).toEqual({
      status: 303,
      location,
    });
    expect(await stockOf(t, loaf.id)).toBe(8);
    expect(await rows("orders", who.id)).toBe(1);
  });
});
