import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  api,
  type ApiOrder,
  expectError,
  order,
  people,
  type Person,
  person,
  productsWithStock,
  stockOf,
} from "../../tests/orders-support.ts";
import { type OrderStatus, statuses, transitions } from "./status.ts";

/** An order's life: placed → baking → ready → picked_up, cancelled until picked up, never backwards. */

let t: TestContext;
let staff: Person;
let admin: Person;
let ann: Person, bob: Person;
let productId: number;

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
  staff = await person(t, "staff");
  admin = await person(t, "admin");
  [ann, bob] = await people(t, 2);
  [{ id: productId }] = await productsWithStock(t, [1000]);
});
afterAll(() => t?.close());

async function place(who = ann, quantity = 1): Promise<ApiOrder> {
  const res = await order(t, who, { items: [{ productId, quantity }] });
  expect(res.status).toBe(201);
  return (await res.json()) as ApiOrder;
}

const move = (
  id: number,
  status: OrderStatus,
  who = staff,
  extra: { expectedFrom?: OrderStatus; reason?: string } = {},
) => api(t, who, "POST", `/orders/${id}/status`, { status, ...extra });

const cancel = (id: number, who: Person, reason?: string) =>
  api(t, who, "POST", `/orders/${id}/cancel`, reason ? { reason } : {});

/** An order that has walked the legal path up to `status`. */
async function orderIn(status: OrderStatus): Promise<ApiOrder> {
  const placed = await place();
  const path: Record<OrderStatus, OrderStatus[]> = {
    placed: [],
    baking: ["baking"],
    ready: ["baking", "ready"],
    picked_up: ["baking", "ready", "picked_up"],
    cancelled: ["cancelled"],
  };
  for (const step of path[status]) expect((await move(placed.id, step)).status).toBe(200);
  return placed;
}

const history = async (orderId: number) =>
  await t.sql<{ fromStatus: string | null; toStatus: string; actorId: number; at: Date }[]>`
    select from_status, to_status, actor_id, at from order_status_history
    where order_id = ${orderId} order by id`;

const statusOf = async (orderId: number) => {
  const [row] = await t.sql<{ status: string }[]>`select status from orders where id = ${orderId}`;
  return row.status;
};

describe("the legal path", () => {
  it("placed → baking → ready → picked_up by staff, each step in the history", async () => {
    const placed = await place();
    for (const step of ["baking", "ready", "picked_up"] as const) {
      const res = await move(placed.id, step);
      expect(res.status).toBe(200);
      expect(((await res.json()) as ApiOrder).status).toBe(step);
    }
    const rows = await history(placed.id);
    expect(rows.map((r) => [r.fromStatus, r.toStatus, r.actorId])).toEqual([
      [null, "placed", ann.id],
      ["placed", "baking", staff.id],
      ["baking", "ready", staff.id],
      ["ready", "picked_up", staff.id],
    ]);
    for (const row of rows) {
      expect(row.at).toBeInstanceOf(Date);
      expect(Math.abs(row.at.getTime() - Date.now())).toBeLessThan(60_000);
    }
    const detail = await api(t, ann, "GET", `/orders/${placed.id}`);
    expect(((await detail.json()) as ApiOrder).history?.map((h) => [h.from, h.to])).toEqual([
      [null, "placed"],
      ["placed", "baking"],
      ["baking", "ready"],
      ["ready", "picked_up"],
    ]);
  });

  it("admins may move orders too", async () => {
    const placed = await place();
    expect((await move(placed.id, "baking", admin)).status).toBe(200);
  });
});

describe("illegal transitions", () => {
  const illegal = statuses.flatMap((from) =>
    statuses.filter((to) => !transitions[from].includes(to)).map((to) => [from, to] as const)
  );

  it("covers every pair that is not allowed", () => {
    expect(illegal).toContainEqual(["placed", "ready"]);
    expect(illegal).not.toContainEqual(["ready", "cancelled"]);
    expect(illegal).toContainEqual(["picked_up", "cancelled"]);
    expect(illegal).toContainEqual(["baking", "placed"]);
    expect(illegal.filter(([from]) => from === "picked_up")).toHaveLength(5);
    expect(illegal.filter(([from]) => from === "cancelled")).toHaveLength(5);
    expect(illegal).toHaveLength(25 - 6);
  });

  it.each(["placed", "baking", "ready", "picked_up", "cancelled"] as const)(
    "from %s: every other status is 409 illegal_transition and nothing changes",
    async (from) => {
      const subject = await orderIn(from);
      const before = await history(subject.id);
      const stock = await stockOf(t, productId);
      for (const [, to] of illegal.filter(([f]) => f === from)) {
        const error = await expectError(await move(subject.id, to), 409, "illegal_transition");
        expect(error.message).toMatch(/cannot become/);
      }
      expect(await statusOf(subject.id)).toBe(from);
      expect(await history(subject.id)).toEqual(before);
      expect(await stockOf(t, productId)).toBe(stock);
    },
  );
});

describe("cancelling", () => {
  it("a customer cancels their own order while it is placed, and the stock comes back", async () => {
    const before = await stockOf(t, productId);
    const placed = await place(ann, 3);
    expect(await stockOf(t, productId)).toBe(before - 3);
    const res = await cancel(placed.id, ann, "plans changed");
    expect(res.status).toBe(200);
    const body = (await res.json()) as ApiOrder & { cancelReason: string };
    expect(body).toMatchObject({ status: "cancelled", cancelReason: "plans changed" });
    expect(await stockOf(t, productId)).toBe(before);
    expect((await history(placed.id)).at(-1)).toMatchObject({
      fromStatus: "placed",
      toStatus: "cancelled",
      actorId: ann.id,
    });
  });

  it.each(["baking", "ready", "picked_up"] as const)(
    "a customer cannot cancel once the order is %s (409 too_late)",
    async (status) => {
      const subject = await orderIn(status);
      const stock = await stockOf(t, productId);
      await expectError(await cancel(subject.id, ann), 409, "too_late");
      expect(await statusOf(subject.id)).toBe(status);
      expect(await stockOf(t, productId)).toBe(stock);
    },
  );

  it("a cancelled order cannot be cancelled again, and restocks only once", async () => {
    const subject = await orderIn("cancelled");
    const stock = await stockOf(t, productId);
    await expectError(await cancel(subject.id, ann), 409, "illegal_transition");
    await expectError(await move(subject.id, "cancelled"), 409, "illegal_transition");
    expect(await stockOf(t, productId)).toBe(stock);
  });

  it("a customer cannot cancel (or see) another customer's order: 404", async () => {
    const mine = await place(ann);
    await expectError(await cancel(mine.id, bob), 404, "not_found");
    await expectError(await api(t, bob, "GET", `/orders/${mine.id}`), 404, "not_found");
    expect(await statusOf(mine.id)).toBe("placed");
    await expectError(await cancel(999_999, ann), 404, "not_found");
  });

  it("staff cancel an order that is already baking, and it is restocked", async () => {
    const before = await stockOf(t, productId);
    const placed = await place(ann, 2);
    expect((await move(placed.id, "baking")).status).toBe(200);
    const res = await move(placed.id, "cancelled", staff, { reason: "oven broke" });
    expect(res.status).toBe(200);
    expect(await stockOf(t, productId)).toBe(before);
    expect((await history(placed.id)).at(-1)).toMatchObject({
      fromStatus: "baking",
      toStatus: "cancelled",
      actorId: staff.id,
    });
  });

  it("restocks every line of a mixed order", async () => {
    const [a, b, c] = await productsWithStock(t, [10, 10, 10]);
    const res = await order(t, ann, {
      items: [
        { productId: c.id, quantity: 3 },
        { productId: a.id, quantity: 1 },
        { productId: b.id, quantity: 2 },
      ],
    });
    expect(res.status).toBe(201);
    const placed = (await res.json()) as ApiOrder;
    expect((await cancel(placed.id, ann)).status).toBe(200);
    expect([await stockOf(t, a.id), await stockOf(t, b.id), await stockOf(t, c.id)]).toEqual([
      10,
      10,
      10,
    ]);
  });
});

describe("concurrent staff", () => {
  it("a stale expectedFrom is 409 status_changed and changes nothing", async () => {
    const subject = await orderIn("baking");
    const before = await history(subject.id);
    const error = await expectError(
      await move(subject.id, "baking", staff, { expectedFrom: "placed" }),
      409,
      "status_changed",
    );
    expect(error.message).toMatch(/already baking/i);
    await expectError(
      await move(subject.id, "cancelled", staff, { expectedFrom: "placed" }),
      409,
      "status_changed",
    );
    expect(await statusOf(subject.id)).toBe("baking");
    expect(await history(subject.id)).toEqual(before);
  });

  it("two tills moving the same order from placed to baking: one 200, one 409", async () => {
    const other = await person(t, "staff");
    const subject = await place();
    const answers = await Promise.all(
      [staff, other].map((who) =>
        move(subject.id, "baking", who, { expectedFrom: "placed" }).then((r) => r.status)
      ),
    );
    expect(answers.sort()).toEqual([200, 409]);
    const rows = await history(subject.id);
    expect(rows.map((r) => r.toStatus)).toEqual(["placed", "baking"]);
  });

  it("a customer cancelling while staff start baking: exactly one wins", async () => {
    const before = await stockOf(t, productId);
    const subject = await place(ann, 1);
    const [cancelled, baking] = await Promise.all([
      cancel(subject.id, ann).then((r) => r.status),
      move(subject.id, "baking", staff, { expectedFrom: "placed" }).then((r) => r.status),
    ]);
    expect([cancelled, baking].sort()).toEqual([200, 409]);
    const status = await statusOf(subject.id);
    expect(status).toBe(cancelled === 200 ? "cancelled" : "baking");
    expect(await stockOf(t, productId)).toBe(status === "cancelled" ? before : before - 1);
  });
});

describe("cancellations and checkouts at once", () => {
  it("never deadlock and never lose stock, whatever order the lines are in", async () => {
    const products = await productsWithStock(t, [100, 100, 100, 100]);
    // Shuffle the products' physical order so a join would meet them out of id order.
    for (const p of [...products].reverse()) {
      await t.sql`update products set updated_at = now() where id = ${p.id}`;
    }
    const lines = (reversed: boolean) =>
      (reversed ? [...products].reverse() : products).map((p) => ({
        productId: p.id,
        quantity: 1,
      }));
    const crowd = await people(t, 16);
    const first = await Promise.all(
      crowd.map(async (who, i) => {
        const res = await order(t, who, { items: lines(i % 2 === 0) });
        expect(res.status).toBe(201);
        return (await res.json()) as ApiOrder;
      }),
    );
    const answers = await Promise.all([
      ...first.map((o, i) => cancel(o.id, crowd[i]).then((r) => r.status)),
      ...crowd.map((who, i) => order(t, who, { items: lines(i % 2 === 1) }).then((r) => r.status)),
    ]);
    expect(answers).toEqual([...first.map(() => 200), ...crowd.map(() => 201)]);
    for (const p of products) expect(await stockOf(t, p.id)).toBe(100 - crowd.length);
  });
});

describe("who may use the staff route", () => {
  it("customers get 403 and the order stays as it was", async () => {
    const mine = await place(ann);
    await expectError(await move(mine.id, "baking", ann), 403, "forbidden");
    await expectError(await move(mine.id, "cancelled", ann), 403, "forbidden");
    expect(await statusOf(mine.id)).toBe("placed");
  });

  it("without a token the answer is 401", async () => {
    const res = await t.app.request(`/api/v1/orders/1/status`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: "baking" }),
    });
    expect(res.status).toBe(401);
  });

  it("staff moving an order that does not exist get 404", async () => {
    await expectError(await move(999_999, "baking"), 404, "not_found");
  });
});
