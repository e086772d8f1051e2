import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import {
  expectAdminsOnly,
  figure,
  get,
  insertOrder,
  type SignedIn,
  signedIn,
  sseFrames,
} from "../../../tests/dashboard-support.ts";
import { post } from "../../../tests/admin-support.ts";
import { rebuildRollups } from "../../analytics/rollups.ts";
import { addDays, instantAt } from "../../shop/hours.ts";

/** The sales dashboard, its CSV tables, today live, and bake suggestions applied to a plan. */

const ZONE = "Europe/Berlin";
let t: TestContext;
let admin: SignedIn;
let staff: SignedIn;
let customer: SignedIn;
let today: string;
let bread: { id: number; name: string };

beforeAll(async () => {
  t = await createTestContext({ seed: "bakery", config: { TIMEZONE: ZONE } });
  admin = await signedIn(t, "admin", "Ada Admin");
  staff = await signedIn(t, "staff", "Kim Kitchen");
  customer = await signedIn(t, "customer", "Carla Customer");
  today = t.services.bakery.today();
  [bread] = await t.sql<{ id: number; name: string }[]>`
    select id, name from products where kind = 'daily' and active order by id limit 1`;
  const at = (date: string, hh: number) => instantAt(date, hh * 60, ZONE);
  const yesterday = addDays(today, -1);
  const order = (code: string, status: string, placedAt: Date, totalCents: number) =>
    insertOrder(t, { userId: customer.user.id, code, status, placedAt, totalCents });
  await order("B001", "picked_up", at(yesterday, 8), 1250);
  await order("B002", "cancelled", at(yesterday, 9), 700);
  await order("B003", "picked_up", at(yesterday, 23.5), 2000); // late, still yesterday
  await order("B004", "placed", at(addDays(today, -3), 10), 480);
  await rebuildRollups(t.sql, ZONE);
});
afterAll(async () => await t?.close());

const page = (query: string) => get(t.app, `/admin/analytics?${query}`, admin);

describe("sales dashboard", () => {
  it("is for admins only: customers and staff are refused, visitors sent to sign in", async () => {
    await expectAdminsOnly(
      t.app,
      [
        "/admin/analytics",
        `/admin/analytics/days.csv?from=${today}&to=${today}`,
        "/admin/analytics/suggestions",
        "/admin/analytics/events",
      ],
      customer,
      staff,
    );
    const res = await post(t, "/admin/analytics/suggestions", staff.cookie, { date: today });
    expect(res.status).toBe(403);
  });

  it("shows the range's figures beside the period before, as charts and tables", async () => {
    const from = addDays(today, -1);
    const { res, html } = await page(`from=${from}&to=${from}`);
    expect(res.status).toBe(200);
    expect(figure(html, "revenue")).toBe(t.services.format.money(3250));
    expect(figure(html, "orders")).toBe("2");
    expect(figure(html, "cancelled")).toBe("1");
    expect(html).toContain(`before: ${t.services.format.money(0)}`);
    // Every chart is an image with its title and description, and a table follows it.
    const charts = html.match(/<svg class="chart"[^>]*role="img"[^>]*>/g) ?? [];
    expect(charts.length).toBeGreaterThanOrEqual(6);
    for (const id of ["chart-days", "chart-placed", "chart-products", "chart-sell-through"]) {
      expect(html).toContain(`aria-labelledby="${id}-title" aria-describedby="${id}-desc"`);
      expect(html).toContain(`<title id="${id}-title">`);
      expect(html).toContain(`<desc id="${id}-desc">`);
    }
    expect(html).toContain('<table class="admin-table figure-table" id="table-days">');
    expect(html).not.toContain("<script>");
    // The range form works without JavaScript: a plain GET.
    expect(html).toContain('<form method="get" action="/admin/analytics"');
  });

  it("counts an order by the shop's day it was placed, late evening included", async () => {
    const { html } = await page(`from=${today}&to=${today}`);
    expect(figure(html, "orders")).toBe("0");
    const week = await page(`range=7d`);
    expect(figure(week.html, "orders")).toBe("3");
    expect(week.html).toContain('aria-current="true">7 days</a>');
  });

  it("downloads every table as CSV, with plain numbers", async () => {
    const from = addDays(today, -3);
    const res = await get(t.app, `/admin/analytics/days.csv?from=${from}&to=${today}`, admin);
    expect(res.res.status).toBe(200);
    expect(res.res.headers.get("Content-Type")).toContain("text/csv");
    const lines = res.html.replace("\uFEFF", "").trim().split("\r\n");
    expect(lines[0]).toBe("Date,Revenue (cents),Orders");
    expect(lines).toContain(`${addDays(today, -1)},3250,2`);
    expect(lines).toContain(`${from},480,1`);
    expect(lines).toHaveLength(5);
    for (const key of ["hours", "products", "units", "categories", "regulars", "views"]) {
      const r = await get(t.app, `/admin/analytics/${key}.csv?from=${from}&to=${today}`, admin);
      expect(r.res.status, key).toBe(200);
    }
    const missing = await get(t.app, `/admin/analytics/nope.csv?from=${from}&to=${today}`, admin);
    expect(missing.res.status).toBe(404);
  });

  it("refuses a reversed or over-long range in words, showing the default range", async () => {
    const reversed = await page(`from=${today}&to=${addDays(today, -5)}`);
    expect(reversed.res.status).toBe(400);
    expect(reversed.html).toContain("The last day comes before the first: swap them.");
    expect(reversed.html).toContain('aria-current="true">30 days</a>');
    const long = await page(`from=${addDays(today, -400)}&to=${today}`);
    expect(long.res.status).toBe(400);
    expect(long.html).toContain("at most 366 days");
    const csv = await get(t.app, `/admin/analytics/days.csv?from=x&to=${today}`, admin);
    expect(csv.res.status).toBe(400);
  });

  it("keeps today live: an order placed shows without a reload", async () => {
    const res = await t.app.request("/admin/analytics/events", {
      headers: { Cookie: admin.cookie },
    });
    expect(res.status).toBe(200);
    const frames = sseFrames(res);
    const first = await frames.nextData();
    expect(first.data).toContain('id="analytics-today"');
    expect(first.data).toMatch(
      /data-figure="today-orders">\s*<dt>Orders<\/dt>\s*<dd class="stat-value">0</,
    );
    const [shelf] = await t.sql<{ id: number }[]>`
      update products set stock = 50
      where id = (select id from products where kind = 'shelf' and active order by id limit 1)
      returning id`;
    await t.services.orders.place({
      userId: customer.user.id,
      items: [{ productId: shelf.id, quantity: 1 }],
    });
    const next = await frames.nextData(5000);
    expect(next.data).toMatch(
      /data-figure="today-orders">\s*<dt>Orders<\/dt>\s*<dd class="stat-value">1</,
    );
    await frames.cancel();
  });
});

describe("bake suggestions", () => {
  const date = () => addDays(today, 7);
  beforeAll(async () => {
    // Three of the last weeks' same weekday: 30, 36 and 40 sold, sold out twice by 10:15.
    // (A week back is today, which is not over: it does not count.)
    const rows: [number, number, string | null][] = [
      [2, 30, null],
      [3, 36, "10:15"],
      [4, 40, "09:40"],
    ];
    for (const [weeksBack, sold, soldOut] of rows) {
      const day = addDays(date(), -7 * weeksBack);
      const soldOutAt = soldOut
        ? instantAt(day, Number(soldOut.slice(0, 2)) * 60 + Number(soldOut.slice(3)), ZONE)
        : null;
      await t.sql`
        insert into product_days (product_id, date, planned, follows_par, ordered, counter,
          sold_out_at)
        values (${bread.id}, ${day}, ${sold + (soldOut ? 0 : 4)}, false, ${sold - 5}, 5,
          ${soldOutAt})
        on conflict (product_id, date) do update set planned = excluded.planned,
          ordered = excluded.ordered, counter = excluded.counter,
          sold_out_at = excluded.sold_out_at`;
    }
  });

  it("suggests from the same weekday, raised where it sold out early, with the reason", async () => {
    const { html } = await get(t.app, `/admin/analytics/suggestions?date=${date()}`, admin);
    expect(html).toContain("Sold 30–40 on the last 3");
    expect(html).toContain("sold out by 10:15 twice → 44.");
    expect(html).toContain(`name="qty.${bread.id}" value="44"`);
    const { res, html: json } = await get(
      t.app,
      `/api/v1/admin/bake-plan/${date()}/suggestions`,
      admin,
    );
    expect(res.status).toBe(200);
    const body = JSON.parse(json);
    const item = body.items.find((i: { productId: number }) => i.productId === bread.id);
    expect(item).toMatchObject({ suggested: 44, name: bread.name });
  });

  it("applies only when the admin asks, through the plan, never below what is ordered", async () => {
    const before = await t.sql`select planned from product_days
      where product_id = ${bread.id} and date = ${date()}`;
    expect(before).toEqual([]);
    const applied = await post(t, "/admin/analytics/suggestions", admin.cookie, {
      date: date(),
      [`qty.${bread.id}`]: "44",
    });
    expect(applied.status).toBe(303);
    expect(applied.headers.get("Location")).toContain("done=applied");
    const [row] = await t.sql<{ planned: number; followsPar: boolean }[]>`
      select planned, follows_par from product_days
      where product_id = ${bread.id} and date = ${date()}`;
    expect(row).toEqual({ planned: 44, followsPar: false });

    await t.sql`update product_days set ordered = 12 where product_id = ${bread.id}
      and date = ${date()}`;
    const refused = await post(t, "/admin/analytics/suggestions", admin.cookie, {
      date: date(),
      [`qty.${bread.id}`]: "10",
    });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("12 already ordered");
    const bad = await post(t, "/admin/analytics/suggestions", admin.cookie, {
      date: date(),
      [`qty.${bread.id}`]: "-3",
    });
    expect(bad.status).toBe(400);
    const [after] = await t.sql<{ planned: number }[]>`select planned from product_days
      where product_id = ${bread.id} and date = ${date()}`;
    expect(after.planned).toBe(44);
  });

  it("shows beside the plan grid, whose per-date action applies them", async () => {
    await t.sql`delete from product_days where product_id = ${bread.id} and date = ${date()}`;
    const grid = await get(t.app, "/admin/bake-plan", admin);
    expect(grid.res.status).toBe(200);
    expect(grid.html).toContain("suggested 44");
    expect(grid.html).toContain(`action="/admin/bake-plan/suggestions/${date()}"`);
    const staffTry = await post(t, `/admin/bake-plan/suggestions/${date()}`, staff.cookie, {});
    expect(staffTry.status).toBe(403);
    const applied = await post(t, `/admin/bake-plan/suggestions/${date()}`, admin.cookie, {});
    expect(applied.status).toBe(303);
    expect(applied.headers.get("Location")).toBe("/admin/bake-plan?done=suggested");
    const [row] = await t.sql<{ planned: number }[]>`select planned from product_days
      where product_id = ${bread.id} and date = ${date()}`;
    expect(row.planned).toBe(44);
  });
});
