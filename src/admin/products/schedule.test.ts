import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import { get, post } from "../../../tests/admin-support.ts";
import { textOf } from "../../../tests/admin-people.ts";
import { expectOrder, order, people } from "../../../tests/orders-support.ts";
import { at, bakeryAt, bakeryConfig, FRIDAY, shelfProduct } from "../../../tests/bakery-support.ts";
import { ACCESS_COOKIE } from "../../accounts/middleware.ts";

/** The baking part of the product page: kind, lead time and weekly par. */

let base: TestContext;
let t: TestContext;
let admin: string;
let staff: string;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  admin = `${ACCESS_COOKIE}=${(await people(t, 1, "admin"))[0].token}`;
  staff = `${ACCESS_COOKIE}=${(await people(t, 1, "staff"))[0].token}`;
});
afterAll(() => base?.close());

const form = (values: Record<string, string> = {}) => ({
  kind: "daily",
  leadTimeHours: "0",
  ...Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [
    `par.${d}`,
    "12",
  ])),
  ...values,
});

describe("the product's baking schedule", () => {
  it("shows the kind, lead time and par on the product page, and saves them audited", async () => {
    const p = await shelfProduct(t, 5);
    const page = await (await get(t, `/admin/products/${p.id}`, admin)).text();
    expect(page).toContain('id="schedule-title"');
    expect(page).toMatch(/<option value="shelf" selected/);
    const res = await post(
      t,
      `/admin/products/${p.id}/schedule`,
      admin,
      form({ "par.sat": "30" }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(
      `/admin/products/${p.id}?done=schedule#schedule-title`,
    );
    expect(await t.services.planning.schedule(p.id)).toEqual({
      productId: p.id,
      kind: "daily",
      leadTimeHours: 0,
      par: { mon: 12, tue: 12, wed: 12, thu: 12, fri: 12, sat: 30, sun: 12 },
    });
    const [audit] = await t.sql<{ n: number }[]>`
      select count(*)::int as n from audit_log
      where action = 'product.schedule_changed' and entity_id = ${String(p.id)}`;
    expect(audit.n).toBe(1);
    const after = await (await get(t, `/admin/products/${p.id}?done=schedule`, admin)).text();
    expect(after).toContain("The baking schedule was saved.");
    expect(after).toMatch(/id="schedule-par-sat"[^>]*value="30"/);
    // The shop's API follows.
    const api = await (await t.app.request(`/api/v1/products/${p.id}?date=${FRIDAY}`)).json();
    expect(api).toMatchObject({ kind: "daily", available: 12 });
  });

  it("makes a cake made to order with 48 hours' notice", async () => {
    const p = await shelfProduct(t, 5);
    const res = await post(
      t,
      `/admin/products/${p.id}/schedule`,
      admin,
      form({ kind: "made_to_order", leadTimeHours: "48" }),
    );
    expect(res.status).toBe(303);
    expect(await t.services.planning.schedule(p.id)).toMatchObject({
      kind: "made_to_order",
      leadTimeHours: 48,
    });
  });

  it("refuses bad values and a par below what is ordered, keeping what was typed", async () => {
    const p = await shelfProduct(t, 5);
    await post(t, `/admin/products/${p.id}/schedule`, admin, form());
    const bad = await post(
      t,
      `/admin/products/${p.id}/schedule`,
      admin,
      form({ kind: "frozen", leadTimeHours: "999", "par.mon": "-3" }),
    );
    expect(bad.status).toBe(422);
    const text = textOf(await bad.text());
    expect(text).toContain("Choose daily, made to order or shelf.");
    expect(text).toContain("Enter whole hours from 0 to 720");
    expect(text).toContain("Enter a whole number from 0 to 100000.");
    const [ann] = await people(t, 1);
    await expectOrder(
      await order(t, ann, {
        items: [{ productId: p.id, quantity: 9 }],
        pickupAt: at(FRIDAY, "10:00"),
      }),
    );
    const below = await post(
      t,
      `/admin/products/${p.id}/schedule`,
      admin,
      form({ "par.fri": "4" }),
    );
    expect(below.status).toBe(409);
    const html = await below.text();
    expect(textOf(html)).toContain("9 already ordered for Fri 18 Apr");
    expect(html).toMatch(/id="schedule-par-fri"[^>]*value="4"/);
    expect((await t.services.planning.schedule(p.id))!.par.fri).toBe(12);
  });

  it("is for admins only", async () => {
    const p = await shelfProduct(t, 5);
    expect((await post(t, `/admin/products/${p.id}/schedule`, staff, form())).status).toBe(403);
    expect((await t.services.planning.schedule(p.id))!.kind).toBe("shelf");
    expect((await post(t, "/admin/products/999999/schedule", admin, form())).status).toBe(404);
  });
});
