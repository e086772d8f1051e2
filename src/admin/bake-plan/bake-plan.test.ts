import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import { get, htmx, post } from "../../../tests/admin-support.ts";
import { expectOrder, order, people } from "../../../tests/orders-support.ts";
import {
  at,
  bakeryAt,
  bakeryConfig,
  dailyProduct,
  FRIDAY,
  planRow,
  THURSDAY,
  TODAY,
} from "../../../tests/bakery-support.ts";
import { textOf } from "../../../tests/admin-people.ts";
import { ACCESS_COOKIE } from "../../accounts/middleware.ts";

/** The plan grid: the next 14 days of every daily product in one form, and the weekly par. */

let base: TestContext;
let t: TestContext;
let admin: string;
let staff: string;
let customer: string;
let bread: { id: number; name: string };

const cookieOf = async (role: "admin" | "staff" | "customer") =>
  `${ACCESS_COOKIE}=${(await people(t, 1, role))[0].token}`;

beforeAll(async () => {
  base = await createTestContext({ seed: true, config: bakeryConfig });
  t = bakeryAt(base).ctx;
  [admin, staff, customer] = await Promise.all([
    cookieOf("admin"),
    cookieOf("staff"),
    cookieOf("customer"),
  ]);
  bread = await dailyProduct(t, 20);
  const [ann] = await people(t, 1);
  // Five loaves already ordered for Friday (day 2 of the grid).
  await expectOrder(
    await order(t, ann, {
      items: [{ productId: bread.id, quantity: 5 }],
      pickupAt: at(FRIDAY, "09:00"),
    }),
  );
});
afterAll(() => base?.close());

/** The grid form as the page shows it, with `cells` typed over it (by day index). */
const gridForm = (cells: Record<number, string>, shown: Record<number, string> = {}) => {
  const form: Record<string, string> = { from: TODAY };
  for (const [day, value] of Object.entries(cells)) {
    form[`q.${bread.id}.${day}`] = value;
    form[`w.${bread.id}.${day}`] = shown[Number(day)] ?? "20";
  }
  return form;
};

const audits = async (date: string) =>
  (await t.sql<{ n: number }[]>`
    select count(*)::int as n from audit_log
    where action = 'plan.changed' and entity_id = ${date}`)[0].n;

describe("the plan grid", () => {
  it("shows every daily product across 14 dates with what is ordered, closed days marked", async () => {
    const res = await get(t, "/admin/bake-plan", admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`name="q.${bread.id}.0"`);
    expect(html).toContain(`name="q.${bread.id}.13"`);
    expect(html).not.toContain(`name="q.${bread.id}.14"`);
    const friday = new RegExp(`id="cell-q-${bread.id}-2"[^>]*value="20"`);
    expect(html).toMatch(friday);
    expect(html).toMatch(new RegExp(`id="cell-q-${bread.id}-2-ordered"[^>]*>5 ordered`));
    // Sunday (day 4) is closed in this shop.
    expect(textOf(html)).toMatch(/Sun 20 Apr Closed/);
    // Each date opens its bake list; cells are named by their row and column.
    expect(html).toContain(`href="/board/bake-list?date=${FRIDAY}"`);
    expect(html).toContain(`aria-labelledby="product-${bread.id} day-2"`);
  });

  it("refuses a plan below what is ordered, naming the total, and saves nothing of the form", async () => {
    const res = await post(t, "/admin/bake-plan", admin, gridForm({ 0: "30", 2: "3" }));
    expect(res.status).toBe(409);
    const text = textOf(await res.text());
    expect(text).toContain("Nothing was saved.");
    expect(text).toContain("5 already ordered for Fri 18 Apr");
    expect(text).toContain("cannot be lower than 5");
    // The typed values come back, the refused cell marked.
    expect(text).not.toContain("The plans were saved");
    expect((await planRow(t, bread.id, TODAY))?.planned ?? 20).toBe(20);
    expect((await planRow(t, bread.id, FRIDAY))!.planned).toBe(20);
    expect(await audits(TODAY)).toBe(0);
  });

  it("saves the changed cells of several dates at once, each audited", async () => {
    const res = await post(t, "/admin/bake-plan", admin, gridForm({ 0: "30", 2: "25", 3: "20" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/bake-plan?done=saved");
    expect((await planRow(t, bread.id, TODAY))!.planned).toBe(30);
    expect(await planRow(t, bread.id, FRIDAY)).toEqual({ planned: 25, ordered: 5, remaining: 20 });
    expect(await audits(TODAY)).toBe(1);
    expect(await audits(FRIDAY)).toBe(1);
    const page = await (await get(t, "/admin/bake-plan?done=saved", admin)).text();
    expect(page).toContain("The plans were saved.");
    expect(page).toMatch(new RegExp(`id="cell-q-${bread.id}-2"[^>]*value="25"`));
  });

  it("leaves a cell alone when it was not changed in the form, though someone else changed it", async () => {
    await t.services.planning.setPlan(THURSDAY, [{ productId: bread.id, quantity: 15 }], {
      actorId: 1,
    });
    const res = await post(t, "/admin/bake-plan", admin, gridForm({ 1: "20" }));
    expect(res.headers.get("Location")).toBe("/admin/bake-plan?done=unchanged");
    expect((await planRow(t, bread.id, THURSDAY))!.planned).toBe(15);
  });

  it("refuses values that are not whole numbers, and a grid opened on another day", async () => {
    for (const bad of ["-1", "abc", "100001", "1.5"]) {
      const res = await post(t, "/admin/bake-plan", admin, gridForm({ 5: bad, 0: "31" }, {}));
      expect(res.status, bad).toBe(422);
      expect(textOf(await res.text())).toContain("enter a whole number from 0 to 100000");
    }
    expect((await planRow(t, bread.id, TODAY))!.planned).toBe(30);
    const stale = await post(t, "/admin/bake-plan", admin, {
      ...gridForm({ 0: "31" }, { 0: "30" }),
      from: "2031-04-15",
    });
    expect(stale.status).toBe(409);
    expect(textOf(await stale.text())).toContain("A new day has begun");
    expect((await planRow(t, bread.id, TODAY))!.planned).toBe(30);
  });

  it("answers htmx with the form alone on a refusal, and a redirect header on success", async () => {
    const refused = await post(
      t,
      "/admin/bake-plan",
      admin,
      gridForm({ 2: "1" }, { 2: "25" }),
      htmx("plan-grid"),
    );
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toMatch(/^<form id="plan-grid"/);
    expect(html).toContain('aria-invalid="true"');
    const saved = await post(
      t,
      "/admin/bake-plan",
      admin,
      gridForm({ 2: "26" }, { 2: "25" }),
      htmx("plan-grid"),
    );
    expect(saved.status).toBe(204);
    expect(saved.headers.get("HX-Redirect")).toBe("/admin/bake-plan?done=saved");
  });

  it("is for admins only, and refuses a cross-site post", async () => {
    for (const cookie of [staff, customer]) {
      expect((await get(t, "/admin/bake-plan", cookie)).status).toBe(403);
      expect((await post(t, "/admin/bake-plan", cookie, gridForm({ 0: "1" }))).status).toBe(403);
      expect((await post(t, `/admin/bake-plan/par/${bread.id}`, cookie, {})).status).toBe(403);
    }
    const forged = await post(t, "/admin/bake-plan", admin, gridForm({ 0: "2" }, { 0: "30" }), {
      "Sec-Fetch-Site": "cross-site",
    });
    expect(forged.status).toBe(403);
    expect((await planRow(t, bread.id, TODAY))!.planned).toBe(30);
  });
});

describe("the weekly par", () => {
  const par = (values: Partial<Record<string, string>>) => ({
    mon: "20",
    tue: "20",
    wed: "20",
    thu: "20",
    fri: "20",
    sat: "20",
    sun: "20",
    ...values,
  });

  it("saves a row, and dates that follow the par move with it", async () => {
    const res = await post(t, `/admin/bake-plan/par/${bread.id}`, admin, par({ sat: "40" }));
    expect(res.status).toBe(303);
    expect(await t.services.planning.schedule(bread.id)).toMatchObject({
      par: { sat: 40, fri: 20 },
    });
    const html = await (await get(t, "/admin/bake-plan", admin)).text();
    expect(html).toMatch(new RegExp(`id="par-${bread.id}-sat"[^>]*value="40"`));
    // Both Saturdays follow the par; Friday, set by hand, keeps its plan.
    expect(html).toMatch(new RegExp(`id="cell-q-${bread.id}-3"[^>]*value="40"`));
    expect(html).toMatch(new RegExp(`id="cell-q-${bread.id}-10"[^>]*value="40"`));
    expect(html).toMatch(new RegExp(`id="cell-q-${bread.id}-2"[^>]*value="26"`));
  });

  it("refuses a par below what a following date has ordered, and bad numbers", async () => {
    const [ann] = await people(t, 1);
    const nextFriday = "2031-04-25";
    await expectOrder(
      await order(t, ann, {
        items: [{ productId: bread.id, quantity: 4 }],
        pickupAt: at(nextFriday, "09:00"),
      }),
    );
    const res = await post(t, `/admin/bake-plan/par/${bread.id}`, admin, par({ fri: "2" }));
    expect(res.status).toBe(409);
    expect(textOf(await res.text())).toContain("4 already ordered for Fri 25 Apr");
    expect((await t.services.planning.schedule(bread.id))!.par.fri).toBe(20);
    const bad = await post(t, `/admin/bake-plan/par/${bread.id}`, admin, par({ mon: "x" }));
    expect(bad.status).toBe(422);
    expect(textOf(await bad.text())).toContain("Enter a whole number from 0 to 100000.");
  });
});
