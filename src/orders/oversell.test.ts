import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  type ApiError,
  type ApiOrder,
  expectError,
  order,
  people,
  type Person,
  productsWithStock,
  stockOf,
} from "../../tests/orders-support.ts";

/** Stock is taken with conditional decrements: never below zero, never more than there is. */

let t: TestContext;
let crowd: Person[];

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
  crowd = await people(t, 200);
});
afterAll(() => t?.close());

async function rush(
  requests: Promise<Response>[],
  { id: productId, name }: { id: number; name: string },
) {
  const answers = await Promise.all(
    requests.map(async (res) => {
      const r = await res;
      return { status: r.status, body: await r.json() };
    }),
  );
  const placed = answers.filter((a) => a.status === 201).map((a) => a.body as ApiOrder);
  const refused = answers.filter((a) => a.status !== 201);
  expect(placed).toHaveLength(50);
  expect(refused).toHaveLength(150);
  for (const { status, body } of refused) {
    expect(status).toBe(409);
    const error = (body as ApiError).error;
    expect(error.code).toBe("insufficient_stock");
    expect(error.items).toEqual([
      { productId, name, requested: 1, available: 0 },
    ]);
  }
  expect(new Set(placed.map((o) => o.code)).size).toBe(50);
  expect(new Set(placed.map((o) => o.id)).size).toBe(50);
  expect(await stockOf(t, productId)).toBe(0);
  const [sold] = await t.sql<{ quantity: number; orders: number }[]>`
    select coalesce(sum(quantity), 0)::int as quantity, count(distinct order_id)::int as orders
    from order_items where product_id = ${productId}`;
  expect(sold).toEqual({ quantity: 50, orders: 50 });
  const [codes] = await t.sql<{ total: number; distinct: number }[]>`
    select count(*)::int as total, count(distinct (code_day, code))::int as distinct from orders`;
  expect(codes.distinct).toBe(codes.total);
}

describe("200 checkouts for 50 loaves", () => {
  it("sells exactly 50 to 200 different customers", async () => {
    const [loaf] = await productsWithStock(t, [50]);
    await rush(
      crowd.map((who) => order(t, who, { items: [{ productId: loaf.id, quantity: 1 }] })),
      loaf,
    );
  });

  it("sells exactly 50 to one customer sending 200 different Idempotency-Keys", async () => {
    const [, bun] = await productsWithStock(t, [0, 50]);
    const who = crowd[0];
    await rush(
      Array.from(
        { length: 200 },
        (_, i) => order(t, who, { items: [{ productId: bun.id, quantity: 1 }] }, `rush-${i}`),
      ),
      bun,
    );
    const [mine] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from idempotency_keys where user_id = ${who.id}
        and order_id is not null`;
    expect(mine.n).toBe(50);
  });
});

describe("one order, many lines", () => {
  it("sums two lines of the same product before checking the stock", async () => {
    const [tart] = await productsWithStock(t, [3]);
    const before = await ordersCount();
    const error = await expectError(
      await order(t, crowd[1], {
        items: [{ productId: tart.id, quantity: 2 }, { productId: tart.id, quantity: 2 }],
      }),
      409,
      "insufficient_stock",
    );
    expect(error.items).toEqual([{
      productId: tart.id,
      name: tart.name,
      requested: 4,
      available: 3,
    }]);
    expect(await stockOf(t, tart.id)).toBe(3);
    expect(await ordersCount()).toBe(before);

    const res = await order(t, crowd[1], {
      items: [{ productId: tart.id, quantity: 2 }, { productId: tart.id, quantity: 1 }],
    });
    expect(res.status).toBe(201);
    const placed = (await res.json()) as ApiOrder;
    expect(placed.items).toEqual([expect.objectContaining({ productId: tart.id, quantity: 3 })]);
    expect(await stockOf(t, tart.id)).toBe(0);
  });

  it("sums the lines of one product before the cap of 99 applies", async () => {
    const [flour] = await productsWithStock(t, [5000]);
    const before = { orders: await ordersCount(), outbox: await outboxCount() };
    // Twenty lines of 99 are one line of 1,980: refused as a whole, nothing taken.
    const error = await expectError(
      await order(t, crowd[4], {
        items: Array.from({ length: 20 }, () => ({ productId: flour.id, quantity: 99 })),
      }),
      400,
      "validation_failed",
    );
    expect(error.fields?.items).toBe(
      `At most 99 of one product per order: the lines of product ${flour.id} add up to 198.`,
    );
    // Just over the cap, split over two lines, is refused too; the service refuses it for
    // every caller, not only the API.
    await expectError(
      await order(t, crowd[4], {
        items: [{ productId: flour.id, quantity: 50 }, { productId: flour.id, quantity: 50 }],
      }),
      400,
      "validation_failed",
    );
    await expect(t.services.orders.place({
      userId: crowd[4].id,
      items: [{ productId: flour.id, quantity: 60 }, { productId: flour.id, quantity: 40 }],
    })).rejects.toMatchObject({
      status: 400,
      fields: { items: expect.stringMatching(/add up to 100/) },
    });
    expect(await stockOf(t, flour.id)).toBe(5000);
    expect({ orders: await ordersCount(), outbox: await outboxCount() }).toEqual(before);

    // Exactly 99 over two lines is one line of 99.
    const res = await order(t, crowd[4], {
      items: [{ productId: flour.id, quantity: 49 }, { productId: flour.id, quantity: 50 }],
    });
    expect(res.status).toBe(201);
    const placed = (await res.json()) as ApiOrder;
    expect(placed.items).toEqual([expect.objectContaining({ productId: flour.id, quantity: 99 })]);
    expect(await stockOf(t, flour.id)).toBe(5000 - 99);
  });

  it("takes all or nothing when one product of a mixed cart runs out", async () => {
    const [cheap, dear] = await productsWithStock(t, [5, 1]);
    const before = { orders: await ordersCount(), outbox: await outboxCount() };
    const error = await expectError(
      await order(t, crowd[2], {
        items: [{ productId: cheap.id, quantity: 2 }, { productId: dear.id, quantity: 2 }],
      }),
      409,
      "insufficient_stock",
    );
    expect(error.items).toEqual([{
      productId: dear.id,
      name: dear.name,
      requested: 2,
      available: 1,
    }]);
    expect(error.message).toMatch(/Nothing was ordered/);
    expect(await stockOf(t, cheap.id)).toBe(5);
    expect(await stockOf(t, dear.id)).toBe(1);
    expect({ orders: await ordersCount(), outbox: await outboxCount() }).toEqual(before);
    const [items] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from order_items where product_id in (${cheap.id}, ${dear.id})`;
    expect(items.n).toBe(0);
  });

  it("refuses a product that is no longer sold, even with stock left", async () => {
    const [gone] = await productsWithStock(t, [10]);
    await t.sql`update products set active = false where id = ${gone.id}`;
    try {
      const error = await expectError(
        await order(t, crowd[3], { items: [{ productId: gone.id, quantity: 1 }] }),
        409,
        "insufficient_stock",
      );
      expect(error.items).toEqual([expect.objectContaining({ productId: gone.id, available: 0 })]);
      expect(await stockOf(t, gone.id)).toBe(10);
    } finally {
      await t.sql`update products set active = true where id = ${gone.id}`;
    }
  });
});

async function ordersCount() {
  const [row] = await t.sql<{ n: number }[]>`select count(*)::int as n from orders`;
  return row.n;
}

async function outboxCount() {
  const [row] = await t.sql<{ n: number }[]>`select count(*)::int as n from outbox`;
  return row.n;
}
