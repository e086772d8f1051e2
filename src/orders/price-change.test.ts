import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import {
  api,
  type ApiOrder,
  expectError,
  order,
  people,
  type Person,
  productsWithStock,
  stockOf,
} from "../../tests/orders-support.ts";

/** Carts hold quantities, never prices: the order charges what the product costs now. */

let t: TestContext;
let ann: Person, bob: Person, cy: Person;

beforeAll(async () => {
  t = await createTestContext({ seed: true });
  [ann, bob, cy] = await people(t, 3);
});
afterAll(() => t?.close());

const cartOf = async (who: Person) =>
  Object.fromEntries(await t.services.carts.lines({ userId: who.id }));

describe("ordering from the cart", () => {
  it("charges the price of the moment the order is placed, and empties the cart", async () => {
    const [loaf, bun] = await productsWithStock(t, [10, 10]);
    await t.services.cart.add({ userId: ann.id }, loaf.id, 2);
    await t.services.cart.add({ userId: ann.id }, bun.id, 1);
    const newPrice = loaf.priceCents + 150;
    expect(await t.services.catalog.updateProduct(loaf.id, { priceCents: newPrice })).not
      .toBeNull();

    const res = await order(t, ann, {});
    expect(res.status).toBe(201);
    const placed = (await res.json()) as ApiOrder;
    const line = placed.items!.find((i) => i.productId === loaf.id)!;
    expect(line).toMatchObject({ unitPriceCents: newPrice, quantity: 2 });
    expect(placed.subtotalCents).toBe(newPrice * 2 + bun.priceCents);
    expect(placed.totalCents).toBe(placed.subtotalCents);
    expect(await cartOf(ann)).toEqual({});
    expect(await stockOf(t, loaf.id)).toBe(8);
    expect(await stockOf(t, bun.id)).toBe(9);

    // A later price change does not rewrite the order.
    await t.services.catalog.updateProduct(loaf.id, { priceCents: newPrice + 500 });
    const again = await api(t, ann, "GET", `/orders/${placed.id}`);
    const stored = (await again.json()) as ApiOrder;
    expect(stored.items!.find((i) => i.productId === loaf.id)!.unitPriceCents).toBe(newPrice);
    expect(stored.subtotalCents).toBe(placed.subtotalCents);
  });

  it("a price cut is passed on too", async () => {
    const [tart] = await productsWithStock(t, [10]);
    await t.services.cart.add({ userId: cy.id }, tart.id, 3);
    await t.services.catalog.updateProduct(tart.id, { priceCents: 100 });
    const res = await order(t, cy, {});
    expect(res.status).toBe(201);
    expect(((await res.json()) as ApiOrder).subtotalCents).toBe(300);
  });

  it("keeps the cart as it was when there is not enough stock (409)", async () => {
    const [loaf, bun] = await productsWithStock(t, [10, 10]);
    await t.services.cart.add({ userId: bob.id }, loaf.id, 1);
    await t.services.cart.add({ userId: bob.id }, bun.id, 4);
    // Someone else buys the buns meanwhile.
    await t.services.catalog.setStock(bun.id, 3);
    const before = await cartOf(bob);

    const error = await expectError(await order(t, bob, {}), 409, "insufficient_stock");
    expect(error.items).toEqual([{
      productId: bun.id,
      name: bun.name,
      requested: 4,
      available: 3,
    }]);
    expect(await cartOf(bob)).toEqual(before);
    expect(before).toEqual({ [loaf.id]: 1, [bun.id]: 4 });
    expect(await stockOf(t, loaf.id)).toBe(10);

    // Fewer buns: the same cart orders fine and is then emptied.
    await t.services.cart.setQuantity({ userId: bob.id }, bun.id, 3);
    expect((await order(t, bob, {})).status).toBe(201);
    expect(await cartOf(bob)).toEqual({});
  });

  it("keeps the cart when a product in it is no longer sold", async () => {
    const [gone] = await productsWithStock(t, [10]);
    await t.services.cart.add({ userId: bob.id }, gone.id, 1);
    await t.services.catalog.updateProduct(gone.id, { active: false });
    await expectError(await order(t, bob, {}), 409, "insufficient_stock");
    expect(await cartOf(bob)).toEqual({ [gone.id]: 1 });
    await t.services.catalog.updateProduct(gone.id, { active: true });
  });

  it("an empty cart is 400 empty_order", async () => {
    await t.services.carts.clear({ userId: cy.id });
    await expectError(await order(t, cy, {}), 400, "empty_order");
  });

  it("an order with items named leaves the cart alone", async () => {
    const [loaf, bun] = await productsWithStock(t, [10, 10]);
    await t.services.cart.add({ userId: cy.id }, bun.id, 2);
    const res = await order(t, cy, { items: [{ productId: loaf.id, quantity: 1 }] });
    expect(res.status).toBe(201);
    expect(await cartOf(cy)).toEqual({ [bun.id]: 2 });
  });
});
