import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queryable } from "../infra/db.ts";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { createStockReader } from "./stock-reader.ts";

/** The real database behind a counter, and a gate that can hold queries back. */
function counted(t: TestContext) {
  let gate: Promise<void> = Promise.resolve();
  const state = { queries: 0, hold: () => {}, release: () => {} };
  state.hold = () => {
    gate = new Promise((resolve) => (state.release = resolve));
  };
  const sql = ((strings: TemplateStringsArray, ...values: unknown[]) => {
    state.queries++;
    return gate.then(() => t.sql(strings, ...(values as never[])));
  }) as unknown as Queryable;
  return { sql, state };
}

const today = () => "2031-05-06";

describe("stock reader", () => {
  let t: TestContext;
  let ids: number[];
  beforeAll(async () => {
    t = await createTestContext({ seed: true });
    ids = (await t.sql<{ id: number }[]>`select id from products order by id limit 6`).map((r) =>
      r.id
    );
  });
  afterAll(() => t?.close());

  it("answers many concurrent requests with one query, each with its own products", async () => {
    const { sql, state } = counted(t);
    const read = createStockReader(sql, today);
    await t.sql`update products set stock = id * 10 where id = any(${ids}::int[])`;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => read([ids[i % ids.length], ids[(i + 1) % ids.length]])),
    );
    // The first request starts a query at once; the other 49 share the next one.
    expect(state.queries).toBe(2);
    results.forEach((stock, i) => {
      const mine = [ids[i % ids.length], ids[(i + 1) % ids.length]];
      for (const id of mine) expect(stock.get(id)).toBe(id * 10);
    });
  });

  it("never hands a request the answer of a query that started before it arrived", async () => {
    const { sql, state } = counted(t);
    const read = createStockReader(sql, today);
    const [id] = ids;
    await t.sql`update products set stock = 5 where id = ${id}`;
    state.hold();
    const early = read([id]); // its query is on its way
    await Promise.resolve();
    await t.sql`update products set stock = 42 where id = ${id}`;
    const late = read([id]); // arrives after the change: must wait for a query of its own
    state.release();
    expect((await late).get(id)).toBe(42);
    expect(state.queries).toBe(2);
    expect([5, 42]).toContain((await early).get(id));
  });

  it("passes a failed query on to the requests that shared it, and recovers", async () => {
    let fail = true;
    const sql =
      ((strings: TemplateStringsArray, ...values: unknown[]) =>
        fail
          ? Promise.reject(new Error("database unavailable"))
          : t.sql(strings, ...(values as never[]))) as unknown as Queryable;
    const read = createStockReader(sql, today);
    await expect(read([ids[0]])).rejects.toThrow("database unavailable");
    fail = false;
    expect((await read([ids[0]])).has(ids[0])).toBe(true);
  });

  it("asks nothing for an empty list", async () => {
    const { sql, state } = counted(t);
    expect((await createStockReader(sql, today)([])).size).toBe(0);
    expect(state.queries).toBe(0);
  });
});
