import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, eventually, type TestContext } from "../../tests/harness.ts";
import { api, type ApiError, order, people, type Person } from "../../tests/orders-support.ts";
import {
  at,
  bakeryAt,
  bakeryConfig,
  dailyProduct,
  FRIDAY,
  planRow,
  SATURDAY,
  seatsAt,
  setSettings,
  shelfProduct,
  TODAY,
} from "../../tests/bakery-support.ts";

/**
 * Limits under contention, on whichever database the suite runs against: seats, each date's
 * plan and plan changes are decided in SQL inside the transactions, so a rush can never
 * take more than there is.
 */

let base: TestContext;
let t: TestContext;
let crowd: Person[];
let owner: Person;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  crowd = await people(t, 200);
  [owner] = await people(t, 1, "admin");
});
afterAll(() => base?.close());

async function answers(requests: Promise<Response>[]) {
  return await Promise.all(requests.map(async (request) => {
    const res = await request;
    return { status: res.status, body: await res.json() };
  }));
}

/** Units of a product in the orders (not cancelled) for a date. */
async function soldFor(productId: number, date: string) {
  const [row] = await t.sql<{ units: number; orders: number }[]>`
    select coalesce(sum(i.quantity), 0)::int as units, count(distinct o.id)::int as orders
    from orders o join order_items i on i.order_id = o.id
    where i.product_id = ${productId} and o.pickup_date = ${date}::date
      and o.status <> 'cancelled'`;
  return row;
}

describe("a hot slot", () => {
  it("200 checkouts into a slot of capacity 3 give exactly 3 orders", async () => {
    const jam = await shelfProduct(t, 1000);
    const slot = at(FRIDAY, "08:00");
    await setSettings(t, { ordersPerSlot: 3 });
    try {
      const results = await answers(
        crowd.map((who) =>
          order(t, who, { items: [{ productId: jam.id, quantity: 1 }], pickupAt: slot })
        ),
      );
      const placed = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status !== 201);
      expect(placed).toHaveLength(3);
      expect(new Set(refused.map((r) => `${r.status} ${(r.body as ApiError).error.code}`)))
        .toEqual(new Set(["409 slot_full"]));
      expect(await seatsAt(t, slot)).toBe(3);
      const [orders] = await t.sql<{ n: number }[]>`
        select count(*)::int as n from orders where pickup_slot = ${new Date(slot)}`;
      expect(orders.n).toBe(3);
      // The refused 197 took nothing from the shelf either.
      const [stock] = await t.sql<
        { stock: number }[]
      >`select stock from products where id = ${jam.id}`;
      expect(stock.stock).toBe(997);
    } finally {
      await setSettings(t, { ordersPerSlot: null });
    }
  });
});

describe("two dates of one daily product", () => {
  it("a rush on Friday and one on Saturday each sell exactly that date's plan", async () => {
    const bread = await dailyProduct(t, 30);
    const rush = (date: string, people: Person[]) =>
      people.map((who, i) =>
        order(t, who, {
          items: [{ productId: bread.id, quantity: 1 }],
          pickupAt: at(date, `${String(9 + (i % 6)).padStart(2, "0")}:00`),
        })
      );
    const results = await answers([
      ...rush(FRIDAY, crowd.slice(0, 100)),
      ...rush(SATURDAY, crowd.slice(100)),
    ]);
    const friday = results.slice(0, 100);
    const saturday = results.slice(100);
    for (const day of [friday, saturday]) {
      expect(day.filter((r) => r.status === 201)).toHaveLength(30);
      const refused = day.filter((r) => r.status !== 201);
      expect(refused.every((r) => r.status === 409 && r.body.error.code === "insufficient_stock"))
        .toBe(true);
    }
    expect(await planRow(t, bread.id, FRIDAY)).toEqual({ planned: 30, ordered: 30, remaining: 0 });
    expect(await planRow(t, bread.id, SATURDAY)).toEqual({
      planned: 30,
      ordered: 30,
      remaining: 0,
    });
    expect(await soldFor(bread.id, FRIDAY)).toEqual({ units: 30, orders: 30 });
    expect(await soldFor(bread.id, SATURDAY)).toEqual({ units: 30, orders: 30 });
    expect(await planRow(t, bread.id, TODAY)).toBeNull();
  });
});

describe("lowering a plan while customers order", () => {
  it("a date's plan never goes below what is ordered, and nothing is oversold", async () => {
    const bread = await dailyProduct(t, 100);
    const checkouts = crowd.slice(0, 120).map((who) =>
      order(t, who, {
        items: [{ productId: bread.id, quantity: 1 }],
        pickupAt: at(FRIDAY, "12:00"),
      })
    );
    const plans = [90, 70, 50, 40, 60, 45].map((quantity) =>
      api(t, owner, "PUT", `/admin/bake-plan/${FRIDAY}`, {
        items: [{ productId: bread.id, quantity }],
      })
    );
    const results = await answers([...checkouts, ...plans]);
    const placed = results.slice(0, 120).filter((r) => r.status === 201).length;
    const planAnswers = results.slice(120);
    for (const r of planAnswers) {
      expect([200, 409], JSON.stringify(r.body)).toContain(r.status);
      if (r.status === 409) {
        expect(r.body.error.code).toBe("plan_below_ordered");
        expect(r.body.error.message).toMatch(
          new RegExp(
            `^${bread.name}: \\d+ already ordered for Fri 18 Apr, so the plan cannot be lower than \\d+\\.$`,
          ),
        );
      }
    }
    const row = (await planRow(t, bread.id, FRIDAY))!;
    const sold = await soldFor(bread.id, FRIDAY);
    expect(row.ordered).toBe(placed);
    expect(sold.units).toBe(placed);
    expect(row.planned).toBeGreaterThanOrEqual(row.ordered);
    expect(row.remaining).toBe(row.planned - row.ordered);
  });

  it("a lower par racing checkouts on a date that follows it: refused or below, never over", async () => {
    const bread = await dailyProduct(t, 60);
    const checkouts = crowd.slice(0, 80).map((who) =>
      order(t, who, {
        items: [{ productId: bread.id, quantity: 1 }],
        pickupAt: at(SATURDAY, "14:00"),
      })
    );
    const pars = [55, 35, 45, 25].map((sat) =>
      api(t, owner, "PUT", `/admin/products/${bread.id}/schedule`, { par: { sat } })
    );
    const results = await answers([...checkouts, ...pars]);
    for (const r of results.slice(80)) {
      expect([200, 409]).toContain(r.status);
      if (r.status === 409) expect(r.body.error.code).toBe("plan_below_ordered");
    }
    const row = (await planRow(t, bread.id, SATURDAY))!;
    const placed = results.slice(0, 80).filter((r) => r.status === 201).length;
    expect(row.ordered).toBe(placed);
    expect((await soldFor(bread.id, SATURDAY)).units).toBe(placed);
    expect(row.planned).toBeGreaterThanOrEqual(row.ordered);
    const [product] = await t.sql<
      { par: number[] }[]
    >`select par from products where id = ${bread.id}`;
    // The date follows the par that won.
    expect(row.planned).toBe(product.par[5]);
  });
});

describe("closing a date while a checkout for it waits", () => {
  it("the checkout sees the closure committed while it waited, and takes nothing", async () => {
    const jam = await shelfProduct(t, 10);
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    let commit!: () => void;
    const committing = new Promise<void>((resolve) => (commit = resolve));
    // A calendar writer: the settings row locked for update, the closure written, not yet
    // committed.
    const closing = t.sql.begin(async (tx) => {
      await tx`select 1 from pickup_settings for update`;
      await tx`insert into closures (starts_on, ends_on, reason)
        values (${SATURDAY}, ${SATURDAY}, 'Oven repair')`;
      wrote();
      await committing;
    });
    await written;
    const checkout = order(t, crowd[0], {
      items: [{ productId: jam.id, quantity: 1 }],
      pickupAt: at(SATURDAY, "09:00"),
    });
    if (t.db.kind === "postgres") {
      // The checkout is waiting on the settings row (on PGlite it waits for the session).
      await eventually(async () => {
        const [row] = await t.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`;
        return row.n > 0;
      });
    }
    commit();
    await closing;
    const res = await checkout;
    expect(res.status).toBe(422);
    expect(((await res.json()) as ApiError).error.code).toBe("closed");
    expect(await soldFor(jam.id, SATURDAY)).toEqual({ units: 0, orders: 0 });
    await t.sql`delete from closures where reason = 'Oven repair'`;
  });
});
