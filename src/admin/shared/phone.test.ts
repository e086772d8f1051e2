import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import { order, person, productsWithStock } from "../../../tests/orders-support.ts";
import { type SignedIn, signedIn } from "../../../tests/admin-people.ts";

/**
 * The admin on a phone, as the server sends it: a menu that folds without JavaScript, and
 * list cells that carry their column's name, so a narrow screen shows each row as a card.
 */

let t: TestContext;
let admin: SignedIn;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
  admin = await signedIn(t, "admin", "Ada Admin");
  const [product] = await productsWithStock(t, [20]);
  const res = await order(t, await person(t), { items: [{ productId: product.id, quantity: 1 }] });
  expect(res.status).toBe(201);
});
afterAll(() => t?.close());

/** The cells of the first table's body. */
const bodyCells = (html: string) => {
  const body = html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? "";
  return [...body.matchAll(/<td(?=[\s>])[^>]*>/g)].map((m) => m[0]);
};

describe("the admin on a phone", () => {
  it("folds the menu into a <details> naming the screen, beside the full menu for wide screens", async () => {
    const { html } = await admin.browser.get("/admin/orders");
    const menu = html.match(/<details class="admin-menu[^"]*">([\s\S]*?)<\/details>/)?.[1];
    expect(menu).toBeTruthy();
    expect(menu).toMatch(/<summary>.*Admin menu.*Orders.*<\/summary>/s);
    for (const href of ["/admin", "/admin/orders", "/admin/users", "/admin/jobs"]) {
      expect(menu).toContain(`href="${href}"`);
    }
    expect(html).toContain('class="admin-nav hidden md:block"');
  });

  it("names every field of the orders list, so each row reads as a card", async () => {
    const cells = bodyCells((await admin.browser.get("/admin/orders")).html);
    expect(cells).toHaveLength(7);
    expect(cells.map((c) => c.match(/data-label="([^"]+)"/)?.[1])).toEqual([
      "Order",
      "Customer",
      "Pickup",
      "Status",
      "Items",
      "Total",
      "Placed",
    ]);
  });

  it("names the fields of the other lists too", async () => {
    for (const path of ["/admin/products", "/admin/users", "/admin/audit", "/admin/stock"]) {
      const cells = bodyCells((await admin.browser.get(path)).html);
      expect(cells.length, path).toBeGreaterThan(0);
      for (const cell of cells) expect(cell, path).toMatch(/data-label="[^"]+"/);
    }
  });
});
