import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, eventually, type TestContext } from "../../tests/harness.ts";
import { get, post } from "../../tests/admin-support.ts";
import { people, type Person } from "../../tests/orders-support.ts";
import {
  bakeryAt,
  bakeryConfig,
  dailyProduct,
  planRow,
  shelfProduct,
  TODAY,
} from "../../tests/bakery-support.ts";
import { sseClient } from "../../tests/sse-client.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";

/** The counter's stock from the board, and the admin's morning count: one form, one save. */

let base: TestContext;
let t: TestContext;
let staff: Person;
let staffCookie: string;
let adminCookie: string;
let customerCookie: string;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  [staff] = await people(t, 1, "staff");
  staffCookie = `${ACCESS_COOKIE}=${staff.token}`;
  adminCookie = `${ACCESS_COOKIE}=${(await people(t, 1, "admin"))[0].token}`;
  customerCookie = `${ACCESS_COOKIE}=${(await people(t, 1))[0].token}`;
});
afterAll(() => base?.close());

const stockOf = async (id: number) =>
  (await t.sql<{ stock: number }[]>`select stock from products where id = ${id}`)[0].stock;

describe("stock from the board", () => {
  it("is for staff and admins; customers are refused", async () => {
    expect((await get(t, "/board/stock", staffCookie)).status).toBe(200);
    expect((await get(t, "/board/stock", adminCookie)).status).toBe(200);
    expect((await get(t, "/board/stock", customerCookie)).status).toBe(403);
    const p = await shelfProduct(t, 4);
    const res = await post(t, `/board/stock/${p.id}`, customerCookie, { remaining: "0" });
    expect(res.status).toBe(403);
    expect(await stockOf(p.id)).toBe(4);
  });

  it("marks a product sold out: audited, in the ledger, and the shop hears of it live", async () => {
    const rolls = await shelfProduct(t, 7);
    const page = await (await get(t, "/board/stock", staffCookie)).text();
    expect(page).toContain(`formaction="/board/stock/${rolls.id}"`);
    const stream = sseClient(await t.app.request("/events/stock"));
    await stream.until((f) => f.id === "stock");
    const res = await post(t, `/board/stock/${rolls.id}`, staffCookie, { remaining: "0" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/board/stock?done=sold-out");
    expect(await stockOf(rolls.id)).toBe(0);
    const frame = await stream.until((f) =>
      (f.data?.includes(`stock-${rolls.id}`) && f.data.includes('data-stock="0"')) ?? false
    );
    expect(frame.data).toContain(`stock-${rolls.id}`);
    await stream.cancel();
    const [move] = await t.sql<{ delta: number; reason: string; actorId: number }[]>`
      select delta, reason, actor_id from stock_movements
      where product_id = ${rolls.id} order by id desc limit 1`;
    expect(move).toEqual({ delta: -7, reason: "sold_out", actorId: staff.id });
    const audit = await eventually(async () => {
      const html = await (await get(t, "/admin/audit?action=stock.changed", adminCookie)).text();
      return html.includes(`marked product “${rolls.name}” sold out`) ? html : undefined;
    });
    expect(audit).toBeDefined();
    const api = await (await t.app.request(`/api/v1/products/${rolls.id}`)).json();
    expect(api.stock).toBe(0);
  });

  it("sets what is left of a daily product today", async () => {
    const bread = await dailyProduct(t, 12);
    const res = await post(t, `/board/stock/${bread.id}`, staffCookie, { remaining: "5" });
    expect(res.status).toBe(303);
    expect((await planRow(t, bread.id, TODAY))!.remaining).toBe(5);
  });

  it("saves several products in one form; empty boxes stay; a bad box saves nothing", async () => {
    const [a, b, c] = [
      await shelfProduct(t, 10),
      await shelfProduct(t, 11),
      await shelfProduct(t, 12),
    ];
    const bad = await post(t, "/board/stock", staffCookie, {
      [`count-${a.id}`]: "3",
      [`count-${b.id}`]: "many",
    });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain("Nothing was saved");
    expect(html).toMatch(new RegExp(`id="count-${b.id}"[^>]*value="many"[^>]*aria-invalid="true"`));
    expect(html).toContain(`id="count-${b.id}-error"`);
    expect([await stockOf(a.id), await stockOf(b.id)]).toEqual([10, 11]);
    const ok = await post(t, "/board/stock", staffCookie, {
      [`count-${a.id}`]: "3",
      [`count-${b.id}`]: "",
      [`count-${c.id}`]: " 0 ",
    });
    expect(ok.status).toBe(303);
    expect([await stockOf(a.id), await stockOf(b.id), await stockOf(c.id)]).toEqual([3, 11, 0]);
  });
});

describe("the admin's count of all stock", () => {
  it("is one form with a box per product and one save, for admins only", async () => {
    const [a, b] = [await shelfProduct(t, 20), await dailyProduct(t, 8)];
    expect((await get(t, "/admin/stock/count", staffCookie)).status).toBe(403);
    const page = await (await get(t, "/admin/stock/count", adminCookie)).text();
    expect(page.match(/<form id="stock-count"/g)).toHaveLength(1);
    expect(page).toContain(`<label for="count-${a.id}">`);
    expect(page).toContain(`<label for="count-${b.id}">`);
    const res = await post(t, "/admin/stock/count", adminCookie, {
      [`count-${a.id}`]: "17",
      [`count-${b.id}`]: "6",
      note: "Morning count",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/stock/count?done=saved");
    expect(await stockOf(a.id)).toBe(17);
    expect((await planRow(t, b.id, TODAY))!.remaining).toBe(6);
    const notes = await t.sql<{ reason: string; note: string }[]>`
      select reason, note from stock_movements
      where product_id in (${a.id}, ${b.id}) and actor_id is not null order by id`;
    expect(notes).toEqual([
      { reason: "set", note: "Morning count" },
      { reason: "set", note: "Morning count" },
    ]);
  });
});
