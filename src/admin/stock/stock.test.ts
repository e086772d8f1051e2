import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AdminTestContext,
  auditActions,
  createAdminContext,
  expectAdminOnly,
  get,
  htmx,
  openStockStream,
  post,
} from "../../../tests/admin-support.ts";

/** The stock screen: levels with low flags, changes that never go below zero, history, live. */
describe("admin stock", () => {
  let t: AdminTestContext;

  beforeAll(async () => {
    t = await createAdminContext();
  });
  afterAll(() => t?.close());

  const productNamed = async (slug: string) => {
    const [row] = await t.sql<{ id: number; name: string; stock: number }[]>`
      select id, name, stock from products where slug = ${slug}`;
    return row;
  };
  const setStock = (id: number, stock: number, threshold = 5) =>
    t.sql`update products set stock = ${stock}, low_stock_threshold = ${threshold} where id = ${id}`;
  /** The movements people made (the seed's stock and this file's setup have no actor). */
  const movements = (id: number) =>
    t.sql<
      { delta: number; stockAfter: number; reason: string; note: string; actorId: number }[]
    >`select delta, stock_after, reason, note, actor_id from stock_movements
      where product_id = ${id} and actor_id is not null order by id`;

  it("is for admins only, on every route", async () => {
    const { id, stock } = await productNamed("baguette-tradition");
    const problems = await expectAdminOnly(t, [
      { method: "GET", path: "/admin/stock" },
      { method: "POST", path: `/admin/stock/${id}` },
      { method: "GET", path: `/admin/stock/${id}` },
    ]);
    expect(problems).toEqual([]);
    expect((await productNamed("baguette-tradition")).stock).toBe(stock);
  });

  it("lists every product's stock, flagging those at or below their threshold", async () => {
    const low = await productNamed("cinnamon-bun");
    const fine = await productNamed("flat-white");
    await setStock(low.id, 3, 5);
    await setStock(fine.id, 40, 5);
    const html = await (await get(t, "/admin/stock?q=cinnamon", t.admin)).text();
    const row = html.slice(html.indexOf(`id="stock-row-${low.id}"`));
    expect(row).toMatch(/^id="stock-row-\d+">[\s\S]*?>3 <span class="low-flag">Low<\/span>/);
    expect(html).toContain(`action="/admin/stock/${low.id}"`);

    const onlyLow = await (await get(t, "/admin/stock?low=1", t.admin)).text();
    expect(onlyLow).toContain(`id="stock-row-${low.id}"`);
    expect(onlyLow).not.toContain(`id="stock-row-${fine.id}"`);
    const [{ n }] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from products where stock <= low_stock_threshold`;
    expect(onlyLow).toContain(n === 1 ? "1 product" : `${n} products`);
  });

  it("adds a bake: stock, movement, audit, and back to the same filtered page", async () => {
    const p = await productNamed("cinnamon-bun");
    await setStock(p.id, 3);
    const res = await post(t, `/admin/stock/${p.id}`, t.admin, {
      change: "bake",
      quantity: "12",
      note: "Second batch",
      back: "/admin/stock?q=cinnamon&low=1",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(
      `/admin/stock?q=cinnamon&low=1&done=saved#stock-row-${p.id}`,
    );
    expect((await productNamed("cinnamon-bun")).stock).toBe(15);
    expect((await movements(p.id)).at(-1)).toEqual({
      delta: 12,
      stockAfter: 15,
      reason: "bake",
      note: "Second batch",
      actorId: t.adminId,
    });
    expect((await auditActions(t, "product", p.id)).at(-1)).toMatchObject({
      action: "stock.changed",
      actorId: t.adminId,
      details: { change: "bake", delta: 12, stock_after: 15 },
    });
    const page = await (await get(t, "/admin/stock?done=saved", t.admin)).text();
    expect(page).toContain("The stock was saved.");
  });

  it("takes waste away and sets a count, each with its movement", async () => {
    const p = await productNamed("pain-aux-raisins");
    await setStock(p.id, 10);
    expect(
      (await post(t, `/admin/stock/${p.id}`, t.admin, {
        change: "waste",
        quantity: "4",
        note: "",
      })).status,
    ).toBe(303);
    expect(
      (await post(t, `/admin/stock/${p.id}`, t.admin, {
        change: "set",
        quantity: "20",
        note: "Counted at noon",
      })).status,
    ).toBe(303);
    expect(
      (await post(t, `/admin/stock/${p.id}`, t.admin, {
        change: "correction-take",
        quantity: "1",
        note: "",
      })).status,
    ).toBe(303);
    expect((await productNamed("pain-aux-raisins")).stock).toBe(19);
    expect((await movements(p.id)).map((m) => [m.delta, m.stockAfter, m.reason])).toEqual([
      [-4, 6, "waste"],
      [14, 20, "set"],
      [-1, 19, "correction"],
    ]);
  });

  it("refuses to take more than there is, changing nothing", async () => {
    const p = await productNamed("almond-croissant");
    await setStock(p.id, 3);
    const auditBefore = (await auditActions(t, "product", p.id)).length;
    const res = await post(
      t,
      `/admin/stock/${p.id}`,
      t.admin,
      { change: "waste", quantity: "5", note: "dropped tray" },
      htmx(`stock-form-${p.id}`),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html.startsWith(`<form id="stock-form-${p.id}"`)).toBe(true);
    expect(html).toContain("Only 3 in stock: you cannot take 5.");
    expect(html).toContain('value="dropped tray"');
    expect((await productNamed("almond-croissant")).stock).toBe(3);
    expect(await movements(p.id)).toEqual([]);
    expect(await auditActions(t, "product", p.id)).toHaveLength(auditBefore);

    // Without htmx: the whole page, with the message in that product's row.
    const page = await post(t, `/admin/stock/${p.id}`, t.admin, {
      change: "waste",
      quantity: "5",
      note: "",
      back: "/admin/stock?q=almond",
    });
    expect(page.status).toBe(422);
    const text = await page.text();
    expect(text).toContain("<html");
    expect(text).toContain(`id="stock-${p.id}-quantity-error" class="field-error">Only 3 in stock`);
  });

  it("refuses bad input with messages next to the fields", async () => {
    const p = await productNamed("brioche-loaf");
    const cases: [Record<string, string>, string, string][] = [
      [{ change: "bake", quantity: "abc" }, "quantity", "Enter a whole number"],
      [{ change: "bake", quantity: "-2" }, "quantity", "Enter a whole number"],
      [{ change: "bake", quantity: "0" }, "quantity", "Enter at least 1."],
      [{ change: "steal", quantity: "2" }, "change", "Choose what to do."],
      [{ change: "bake", quantity: "1", note: "x".repeat(201) }, "note", "at most 200"],
    ];
    for (const [fields, field, message] of cases) {
      const res = await post(
        t,
        `/admin/stock/${p.id}`,
        t.admin,
        { note: "", ...fields },
        htmx(`stock-form-${p.id}`),
      );
      expect({ fields, status: res.status }).toEqual({ fields, status: 422 });
      expect(await res.text()).toMatch(
        new RegExp(`id="stock-${p.id}-${field}-error" class="field-error">[^<]*${message}`),
      );
    }
    expect(await movements(p.id)).toEqual([]);
  });

  it("answers htmx with HX-Redirect and publishes the new stock to open shop pages", async () => {
    const p = await productNamed("butter-croissant");
    await setStock(p.id, 8);
    const stream = await openStockStream(t);
    try {
      await stream.until("id: stock");
      const res = await post(
        t,
        `/admin/stock/${p.id}`,
        t.admin,
        { change: "correction-add", quantity: "2", note: "" },
        htmx(`stock-form-${p.id}`),
      );
      expect(res.status).toBe(204);
      expect(res.headers.get("HX-Redirect")).toBe(`/admin/stock?done=saved#stock-row-${p.id}`);
      const text = await stream.until(`data-product-id="${p.id}" data-stock="10"`);
      expect(text).toContain(`hx-swap-oob="outerHTML:.stock-${p.id}"`);
    } finally {
      stream.close();
    }
  });

  it("shows a product's movements, newest first, a page at a time", async () => {
    const p = await productNamed("shortbread-fingers");
    await setStock(p.id, 0);
    for (let i = 1; i <= 31; i++) {
      await t.sql`
        insert into stock_movements (product_id, delta, stock_after, reason, note, actor_id)
        values (${p.id}, 1, ${i}, 'bake', ${`batch ${i}`}, ${t.adminId})`;
    }
    const first = await (await get(t, `/admin/stock/${p.id}`, t.admin)).text();
    expect(first).toContain("Page 1 of 2");
    expect(first).toContain("batch 31");
    expect(first).not.toContain("batch 1<");
    expect(first).toContain(`href="/admin/stock/${p.id}?page=2"`);
    const second = await (await get(t, `/admin/stock/${p.id}?page=2`, t.admin)).text();
    expect(second).toContain("batch 1<");
    expect(second).not.toContain("batch 2<");
    expect((await get(t, "/admin/stock/999999", t.admin)).status).toBe(404);
    expect(
      (await post(t, "/admin/stock/999999", t.admin, { change: "bake", quantity: "1" })).status,
    )
      .toBe(404);
  });
});
