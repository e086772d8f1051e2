import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  type Account,
  account,
  boardConfig,
  Browser,
  productIds,
  signedIn,
} from "../../tests/board-support.ts";

/** Printing an order: the kitchen ticket and the bag label, from the board and the order page. */

let t: TestContext;
let staff: Browser;
let admin: Browser;
let cleo: Account;
let products: Record<string, number>;

beforeAll(async () => {
  t = await createTestContext({ seed: true, config: boardConfig });
  ({ browser: staff } = await signedIn(t, "staff"));
  ({ browser: admin } = await signedIn(t, "admin"));
  cleo = await account(t, "customer", "Cleo van Croissant");
  products = await productIds(t, ["seeded-rye", "filter-coffee"]);
});
afterAll(() => t?.close());

const textOf = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("printing an order", () => {
  it("prints a kitchen ticket and a bag label with code, name, pickup, items and allergens", async () => {
    const { order } = await t.services.orders.place({
      userId: cleo.id,
      items: [
        { productId: products["seeded-rye"], quantity: 2 },
        { productId: products["filter-coffee"], quantity: 1 },
      ],
      note: "Severe sesame allergy",
    });
    const { html: board } = await staff.get("/board");
    expect(board).toContain(`href="/board/orders/${order.id}/print/ticket"`);
    expect(board).toContain(`href="/board/orders/${order.id}/print/label"`);
    for (const kind of ["ticket", "label"]) {
      const { res, html } = await staff.get(`/board/orders/${order.id}/print/${kind}`);
      expect(res.status).toBe(200);
      expect(html).toContain(`class="print-sheet print-${kind}"`);
      const text = textOf(html);
      expect(text).toContain(order.code);
      expect(text).toContain("Cleo C.");
      expect(text).toContain(t.services.format.time(order.pickupAt));
      expect(text).toMatch(/2× Seeded Rye \(Gluten, Sesame\)/);
      expect(text).toContain("1× Filter Coffee");
      expect(text).toContain("⚠ Contains: Gluten · Sesame");
      expect(text).toContain("⚠ Allergy note: “Severe sesame allergy”");
      expect(html).not.toContain(cleo.email);
      expect(html).toContain("data-print");
    }
  });

  it("is linked from the admin's order page, and comes back to it", async () => {
    const { order } = await t.services.orders.place({
      userId: cleo.id,
      items: [{ productId: products["filter-coffee"], quantity: 1 }],
    });
    const { html } = await admin.get(`/admin/orders/${order.id}`);
    expect(html).toContain(`href="/board/orders/${order.id}/print/label?from=admin"`);
    const label = await admin.get(`/board/orders/${order.id}/print/label?from=admin`);
    expect(label.html).toContain(`href="/admin/orders/${order.id}"`);
    expect(label.html).toContain(`href="/board/orders/${order.id}/print/ticket?from=admin"`);
  });

  it("is for staff and admins; an unknown order is a 404", async () => {
    const { browser: customer } = await signedIn(t, "customer");
    expect((await customer.get("/board/orders/1/print/ticket")).res.status).toBe(403);
    expect((await staff.get("/board/orders/999999/print/ticket")).res.status).toBe(404);
    expect((await staff.get("/board/orders/1/print/poster")).res.status).toBe(404);
  });
});
