import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsumers, stopConsumers, workerDeps } from "../../../worker/handlers/index.ts";
import { createTestContext, eventually, type TestContext } from "../../../tests/harness.ts";
import {
  type ApiOrder,
  order,
  type Person,
  person,
  productsWithStock,
  stockOf,
} from "../../../tests/orders-support.ts";
import {
  expectAdminOnly,
  htmxTarget,
  type SignedIn,
  signedIn,
  textOf,
} from "../../../tests/admin-people.ts";
import { ensureCoupon } from "../../coupons/queries.ts";

/** Admins find orders, read one whole, and move it through the same state machine as staff. */

let t: TestContext;
let admin: SignedIn;
let ann: Person;
let products: { id: number; name: string; priceCents: number }[];

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: { API_RATE_LIMIT_PER_MINUTE: "100000" } });
  admin = await signedIn(t, "admin", "Ada Admin");
  ann = await person(t);
  products = await productsWithStock(t, [500, 500]);
});
afterAll(() => t?.close());

async function place(who = ann, body: Record<string, unknown> = {}): Promise<ApiOrder> {
  const res = await order(t, who, {
    items: [{ productId: products[0].id, quantity: 2 }, { productId: products[1].id, quantity: 1 }],
    ...body,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as ApiOrder;
}

const statusOf = async (id: number) =>
  (await t.sql<{ status: string }[]>`select status from orders where id = ${id}`)[0].status;
const historyCount = async (id: number) =>
  (await t.sql<{ n: number }[]>`
    select count(*)::int as n from order_status_history where order_id = ${id}`)[0].n;

describe("access", () => {
  it("refuses customers and staff on every order route; the signed-out are sent to sign in", async () => {
    const placed = await place();
    await expectAdminOnly(t, [
      ["GET", "/admin/orders"],
      ["GET", "/admin/orders.csv?from=2026-01-01&to=2026-01-31"],
      ["GET", `/admin/orders/${placed.id}`],
      ["POST", `/admin/orders/${placed.id}/status`],
      ["POST", `/admin/orders/${placed.id}/cancel`],
    ], [await signedIn(t, "customer"), await signedIn(t, "staff")]);
    expect(await statusOf(placed.id)).toBe("placed");
  });
});

describe("the list", () => {
  it("filters by status, searches code, name and email, and keeps the filters in page links", async () => {
    const pat = await person(t);
    await t.sql`update users set name = 'Paging Pat', email = 'pat.paging@example.com'
      where id = ${pat.id}`;
    const orders: ApiOrder[] = [];
    for (let i = 0; i < 27; i++) orders.push(await place(pat));
    await t.sql`update orders set status = 'baking' where id = ${orders[0].id}`;

    const first = await admin.browser.get("/admin/orders?q=paging+pat");
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("Vary")).toContain("HX-Request");
    expect(textOf(first.html)).toContain("27 orders");
    expect(first.html.match(/href="\/admin\/orders\/\d+"/g)).toHaveLength(25);
    expect(first.html).toContain('href="/admin/orders?q=paging+pat&amp;page=2"');
    const second = await admin.browser.get("/admin/orders?q=paging+pat&page=2");
    expect(second.html.match(/href="\/admin\/orders\/\d+"/g)).toHaveLength(2);
    expect(second.html).toContain(`href="/admin/orders/${orders[0].id}"`);

    const byEmail = await admin.browser.get("/admin/orders?q=PAT.PAGING&status=baking");
    expect(textOf(byEmail.html)).toMatch(/ 1 order /);
    expect(byEmail.html).toContain(`href="/admin/orders/${orders[0].id}"`);

    const byCode = await admin.browser.get(`/admin/orders?q=${orders[3].code}`);
    expect(byCode.html).toContain(`href="/admin/orders/${orders[3].id}"`);

    const none = await admin.browser.get("/admin/orders?q=%25nobody_");
    expect(textOf(none.html)).toContain("No orders match these filters.");
  });

  it("filters by pickup date on the shop's clock (Europe/Paris), not UTC", async () => {
    const late = await place();
    const early = await place();
    // 22:30 UTC on the 9th is 00:30 on the 10th in Paris; 21:30 UTC is 23:30 on the 9th.
    await t.sql`update orders set pickup_at = '2031-06-09T22:30:00Z' where id = ${late.id}`;
    await t.sql`update orders set pickup_at = '2031-06-09T21:30:00Z' where id = ${early.id}`;
    const tenth = await admin.browser.get("/admin/orders?date=2031-06-10");
    expect(tenth.html).toContain(`href="/admin/orders/${late.id}"`);
    expect(tenth.html).not.toContain(`href="/admin/orders/${early.id}"`);
    const ninth = await admin.browser.get("/admin/orders?date=2031-06-09");
    expect(ninth.html).toContain(`href="/admin/orders/${early.id}"`);
    expect(textOf(ninth.html)).toMatch(/ 1 order /);

    const bad = await admin.browser.get("/admin/orders?date=2031-02-30");
    expect(bad.res.status).toBe(200);
    expect(bad.html).toContain("Give a date as YYYY-MM-DD.");
  });

  it("answers a filter form sent by htmx with the results alone", async () => {
    const { res, html } = await admin.browser.get(
      "/admin/orders?status=cancelled",
      htmxTarget("order-results", "section"),
    );
    expect(res.status).toBe(200);
    expect(html).toMatch(/^<section id="order-results"/);
    expect(html).not.toContain("<html");
  });
});

describe("one order", () => {
  it("shows items with their snapshots, customer, pickup, note, coupon, totals and history", async () => {
    await ensureCoupon(t.sql, { code: "ADMIN5", kind: "percent", amount: 5 });
    const placed = await place(ann, { note: "<b>Extra</b> crispy", couponCode: "admin5" });
    await t.sql`update order_items set name = 'Old Name Loaf' where order_id = ${placed.id}
      and product_id = ${products[0].id}`;
    const { res, html } = await admin.browser.get(`/admin/orders/${placed.id}`);
    expect(res.status).toBe(200);
    const text = textOf(html);
    expect(text).toContain(`Order ${placed.code}`);
    expect(text).toContain("Old Name Loaf");
    expect(html).toContain("&lt;b&gt;Extra&lt;/b&gt; crispy");
    expect(text).toContain("ADMIN5");
    expect(html).toContain(`href="/admin/users/${ann.id}"`);
    expect(text).toContain("New");
    const subtotal = products[0].priceCents * 2 + products[1].priceCents;
    expect(placed.subtotalCents).toBe(subtotal);
    expect(text).toContain((placed.totalCents / 100).toFixed(2));
    expect(html).toContain('name="expectedFrom" value="placed"');
    expect(html).toContain('<option value="baking"');
  });

  it("moves an order on through the state machine, with the admin in its history and the audit log", async () => {
    const placed = await place();
    const { res } = await admin.browser.post(`/admin/orders/${placed.id}/status`, {
      status: "baking",
      expectedFrom: "placed",
      reason: "Oven free",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/orders/${placed.id}?done=status`);
    expect(await statusOf(placed.id)).toBe("baking");
    const page = await admin.browser.get(`/admin/orders/${placed.id}?done=status`);
    expect(textOf(page.html)).toContain("The order's status was changed.");
    expect(textOf(page.html)).toContain("Ada Admin");
    expect(textOf(page.html)).toContain("Oven free");
    // The worker audits every status change from its event (consumers run in process here).
    const consumers = await startConsumers(
      workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }),
    );
    try {
      const audit = await eventually(async () => {
        const [row] = await t.sql<{ actorId: number; details: Record<string, unknown> }[]>`
          select actor_id, details from audit_log
          where action = 'order.status_changed' and entity_id = ${String(placed.id)}`;
        return row;
      });
      expect(audit).toMatchObject({
        actorId: admin.id,
        details: { from: "placed", to: "baking", reason: "Oven free" },
      });
    } finally {
      await stopConsumers(consumers);
    }
  });

  it("refuses a second admin's double step with a clear 409 and changes nothing", async () => {
    const placed = await place();
    const other = await signedIn(t, "admin");
    const form = { status: "baking", expectedFrom: "placed" };
    expect((await admin.browser.post(`/admin/orders/${placed.id}/status`, form)).res.status)
      .toBe(303);
    const before = await historyCount(placed.id);
    const { res, html } = await other.browser.post(`/admin/orders/${placed.id}/status`, form);
    expect(res.status).toBe(409);
    expect(textOf(html)).toContain("This order is already baking. Nothing was changed");
    expect(await statusOf(placed.id)).toBe("baking");
    expect(await historyCount(placed.id)).toBe(before);
    // The page shows the order as it is now: the next step from "baking" is offered.
    expect(html).toContain('name="expectedFrom" value="baking"');
  });

  it("refuses an illegal transition with the state machine's message", async () => {
    const placed = await place();
    await t.sql`update orders set status = 'baking' where id = ${placed.id}`;
    const { res, html } = await admin.browser.post(`/admin/orders/${placed.id}/status`, {
      status: "picked_up",
      expectedFrom: "baking",
    });
    expect(res.status).toBe(409);
    expect(textOf(html)).toContain("An order that is baking cannot become picked up.");
    expect(await statusOf(placed.id)).toBe("baking");
  });

  it("asks for a reason to cancel, keeps what was typed, and cancels with a restock", async () => {
    const placed = await place();
    const stock = await stockOf(t, products[0].id);
    const empty = await admin.browser.post(`/admin/orders/${placed.id}/cancel`, {
      expectedFrom: "placed",
      reason: "  ",
    });
    expect(empty.res.status).toBe(422);
    expect(textOf(empty.html)).toContain("Say why the order is cancelled.");
    expect(await statusOf(placed.id)).toBe("placed");

    const viaStatus = await admin.browser.post(`/admin/orders/${placed.id}/status`, {
      status: "cancelled",
      expectedFrom: "placed",
    });
    expect(viaStatus.res.status).toBe(422);
    expect(textOf(viaStatus.html)).toContain("it asks for a reason");

    const { res } = await admin.browser.post(`/admin/orders/${placed.id}/cancel`, {
      expectedFrom: "placed",
      reason: "Customer phoned: <sick>",
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/admin/orders/${placed.id}?done=cancelled`);
    expect(await statusOf(placed.id)).toBe("cancelled");
    expect(await stockOf(t, products[0].id)).toBe(stock + 2);
    const page = await admin.browser.get(`/admin/orders/${placed.id}?done=cancelled`);
    expect(page.html).toContain("Customer phoned: &lt;sick&gt;");
    expect(textOf(page.html)).toContain("Its items are back in stock.");
    expect(page.html).not.toContain(`action="/admin/orders/${placed.id}/cancel"`);

    const again = await admin.browser.post(`/admin/orders/${placed.id}/cancel`, {
      expectedFrom: "placed",
      reason: "twice",
    });
    expect(again.res.status).toBe(409);
    expect(await stockOf(t, products[0].id)).toBe(stock + 2);
  });

  it("with htmx: a refusal swaps the order's section, a success redirects", async () => {
    const placed = await place();
    const headers = htmxTarget("order-detail");
    const bad = await admin.browser.request(`/admin/orders/${placed.id}/cancel`, {
      form: { expectedFrom: "placed", reason: "" },
      headers,
    });
    expect(bad.res.status).toBe(422);
    expect(bad.html).toMatch(/^<div id="order-detail"/);
    const ok = await admin.browser.request(`/admin/orders/${placed.id}/status`, {
      form: { status: "baking", expectedFrom: "placed" },
      headers,
    });
    expect(ok.res.status).toBe(204);
    expect(ok.res.headers.get("HX-Redirect")).toBe(`/admin/orders/${placed.id}?done=status`);
  });

  it("answers 404 for an order that does not exist", async () => {
    expect((await admin.browser.get("/admin/orders/999999")).res.status).toBe(404);
    expect((await admin.browser.get("/admin/orders/abc")).res.status).toBe(404);
  });
});
