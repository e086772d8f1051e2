import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  backends,
  createTestContext,
  createTestDatabase,
  type TestContext,
} from "../../tests/harness.ts";
import { type Database, openDatabase, type Sql } from "../infra/db.ts";
import { silentLogger } from "../infra/log.ts";
import { loadMigrations, migrate } from "../infra/migrations.ts";
import { hashPassword } from "../accounts/passwords.ts";
import { prepareBakeryDays } from "./bootstrap.ts";
import { parseOpeningHours } from "../shop/hours.ts";

/**
 * A bakery already running Crumb upgrades by restarting it: a database filled under the
 * schema before bakery days is migrated, and nothing in it is lost.
 */

const PASSWORD = "an-old-customer-password";
const OPENING_HOURS = "mon-fri 07:30-18:00; sat 08:00-13:00";
/** Before the upgrade: every table and column that existed then, rows in a fixed order. */
const tables = [
  "categories",
  "products",
  "users",
  "sessions",
  "refresh_tokens",
  "audit_log",
  "coupons",
  "orders",
  "order_items",
  "order_status_history",
  "order_code_counters",
  "coupon_redemptions",
  "idempotency_keys",
  "outbox",
  "notifications",
  "stock_movements",
  "processed_messages",
  "product_views_daily",
];

let db: Database;
let sql: Sql;
let before: Map<string, { columns: string[]; rows: unknown[] }>;
let t: TestContext;
const future = new Date(Date.now() + 2 * 86_400_000);
future.setUTCHours(10, 0, 0, 0); // a Tuesday to Saturday, or not: see the opening check below

/** An empty database: a new embedded one, or a test database on the server emptied. */
async function emptyDatabase(): Promise<Database> {
  if (backends.db === "pglite") return await openDatabase({ poolMax: 4, log: silentLogger });
  const created = await createTestDatabase();
  await created.sql.unsafe("drop schema public cascade; create schema public");
  return created;
}

beforeAll(async () => {
  db = await emptyDatabase();
  sql = db.sql;
  const all = await loadMigrations();
  const bakery = all.find((m) => m.name.endsWith("_bakery_days.sql"))!;
  await migrate(sql, all.filter((m) => m.version < bakery.version));
  await fillOldShop(sql);
  before = await snapshot(sql);
  await migrate(sql, all);
  await prepareBakeryDays(sql, {
    openingHours: parseOpeningHours(OPENING_HOURS),
    timeZone: "Europe/Paris",
  });
  t = await createTestContext({ db, config: { OPENING_HOURS, TIMEZONE: "Europe/Paris" } });
});
afterAll(async () => {
  await t?.close();
  await db?.close();
});

/** A shop as the code before bakery days wrote it: products, accounts, orders, coupons. */
async function fillOldShop(sql: Sql) {
  const [cat] = await sql<{ id: number }[]>`
    insert into categories (slug, name) values ('breads', 'Breads') returning id`;
  const products = await sql<{ id: number }[]>`
    insert into products (category_id, slug, name, price_cents, stock, allergens)
    values (${cat.id}, 'rye', 'Rye', 500, 12, '{gluten}'),
           (${cat.id}, 'bun', 'Bun', 150, 40, '{gluten,milk}'),
           (${cat.id}, 'old-loaf', 'Old Loaf', 300, 0, '{}')
    returning id`;
  await sql`update products set active = false where slug = 'old-loaf'`;
  const hash = await hashPassword(PASSWORD);
  const [user] = await sql<{ id: number }[]>`
    insert into users (email, name, password_hash) values ('old@example.com', 'Old Customer', ${hash})
    returning id`;
  await sql`insert into users (email, name, password_hash, role)
    values ('owner@example.com', 'Owner', ${hash}, 'admin')`;
  const [coupon] = await sql<{ id: number }[]>`
    insert into coupons (code, kind, amount, redeemed_count) values ('OLD10', 'percent', 10, 1)
    returning id`;
  const orders = await sql<{ id: number }[]>`
    insert into orders (code, code_day, user_id, status, pickup_at, pickup_asap, subtotal_cents,
      discount_cents, total_cents, currency, coupon_id, coupon_code, placed_at)
    values
      ('A-001', '2030-01-05', ${user.id}, 'picked_up', '2030-01-05T09:00:00Z', false, 1000, 100, 900,
       'EUR', ${coupon.id}, 'OLD10', '2030-01-05T08:00:00Z'),
      ('A-002', current_date, ${user.id}, 'placed', ${future}, false, 300, 0, 300, 'EUR', null, null,
       now()),
      ('A-003', current_date, ${user.id}, 'cancelled', ${future}, false, 150, 0, 150, 'EUR', null,
       null, now())
    returning id`;
  await sql`
    insert into order_items (order_id, product_id, name, unit_price_cents, allergens, quantity)
    values (${orders[0].id}, ${products[0].id}, 'Rye', 500, '{gluten}', 2),
           (${orders[1].id}, ${products[1].id}, 'Bun', 150, '{gluten,milk}', 2),
           (${orders[2].id}, ${products[1].id}, 'Bun', 150, '{gluten,milk}', 1)`;
  for (const order of orders) {
    await sql`insert into order_status_history (order_id, to_status, actor_id)
      values (${order.id}, 'placed', ${user.id})`;
  }
  await sql`insert into coupon_redemptions (coupon_id, order_id, user_id)
    values (${coupon.id}, ${orders[0].id}, ${user.id})`;
  await sql`insert into order_code_counters (day, last) values ('2030-01-05', 1)`;
  await sql`insert into idempotency_keys (user_id, key, request_hash, order_id)
    values (${user.id}, 'k-1', 'abc', ${orders[1].id})`;
  await sql`insert into outbox (message_id, queue, type, payload, published_at)
    values (gen_random_uuid(), 'orders', 'order.placed', ${sql.json({ orderId: orders[0].id })},
            now())`;
  await sql`insert into notifications (message_id, user_id, order_id, kind, recipient, subject, body)
    values ('m-1', ${user.id}, ${orders[0].id}, 'order.ready', 'old@example.com', 'Ready', 'Come')`;
  await sql`insert into stock_movements (product_id, delta, stock_after, reason, note)
    values (${products[0].id}, 12, 12, 'bake', 'morning')`;
  await sql`insert into audit_log (action, entity_type, entity_id) values ('order.placed', 'order', '1')`;
  await sql`insert into processed_messages (message_id, queue) values ('m-1', 'orders')`;
  await sql`insert into product_views_daily (product_id, day, views)
    values (${products[0].id}, '2030-01-05', 7)`;
  const [session] = await sql<{ id: string }[]>`
    insert into sessions (id, user_id, expires_at)
    values (gen_random_uuid(), ${user.id}, now() + interval '30 days') returning id`;
  await sql`insert into refresh_tokens (token_hash, session_id, expires_at)
    values ('0123abcd', ${session.id}, now() + interval '30 days')`;
}

async function snapshot(sql: Sql, columnsOf?: Map<string, { columns: string[] }>) {
  const result = new Map<string, { columns: string[]; rows: unknown[] }>();
  for (const table of tables) {
    const columns = columnsOf?.get(table)?.columns ??
      (await sql<{ name: string }[]>`
        select column_name as name from information_schema.columns
        where table_schema = 'public' and table_name = ${table} order by ordinal_position`)
        .map((c) => c.name);
    const rows = await sql.unsafe(
      `select ${columns.map((c) => `"${c}"`).join(", ")} from ${table} order by 1, 2`,
    );
    result.set(table, { columns, rows: [...rows] });
  }
  return result;
}

describe("upgrading a running shop to bakery days", () => {
  it("keeps every row and column that was there", async () => {
    const after = await snapshot(sql, before);
    for (const table of tables) {
      expect(before.get(table)!.rows.length, table).toBeGreaterThan(0);
      // The stock ledger adds an opening row where the old history did not add up; the rows
      // that were there stay as they were.
      const rows = table === "stock_movements"
        ? after.get(table)!.rows.filter((r) => (r as { reason: string }).reason !== "opening")
        : after.get(table)!.rows;
      expect(rows, table).toEqual(before.get(table)!.rows);
    }
    const unexplained = await sql`
      select p.id from products p
      left join stock_movements m on m.product_id = p.id and m.plan_date is null
      group by p.id having p.stock <> coalesce(sum(m.delta), 0)`;
    expect(unexplained).toEqual([]);
  });

  it("makes every product a shelf product with its stock", async () => {
    const products = await sql<{ slug: string; kind: string; stock: number; par: number[] }[]>`
      select slug, kind, stock, par from products order by id`;
    expect(products).toEqual([
      { slug: "rye", kind: "shelf", stock: 12, par: [0, 0, 0, 0, 0, 0, 0] },
      { slug: "bun", kind: "shelf", stock: 40, par: [0, 0, 0, 0, 0, 0, 0] },
      { slug: "old-loaf", kind: "shelf", stock: 0, par: [0, 0, 0, 0, 0, 0, 0] },
    ]);
  });

  it("carries OPENING_HOURS into the calendar once, and dates the orders", async () => {
    const week = await sql<{ weekday: number; opens: number; closes: number }[]>`
      select weekday, opens, closes from opening_hours order by weekday`;
    expect(week).toEqual([
      ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: 450, closes: 1080 })),
      { weekday: 6, opens: 480, closes: 780 },
    ]);
    // A later start with other hours changes nothing: the calendar is the database's now.
    expect(
      await prepareBakeryDays(sql, {
        openingHours: parseOpeningHours("mon-sun 00:00-23:00"),
        timeZone: "Europe/Paris",
      }),
    ).toEqual({ imported: false });
    expect(await sql`select * from opening_hours`).toHaveLength(6);
    const orders = await sql<{ code: string; pickupDate: string; pickupSlot: Date | null }[]>`
      select code, pickup_date::text as pickup_date, pickup_slot from orders order by id`;
    expect(orders[0]).toEqual({ code: "A-001", pickupDate: "2030-01-05", pickupSlot: null });
    const futureDate = future.toLocaleDateString("sv", { timeZone: "Europe/Paris" });
    expect(orders[1].pickupDate).toBe(futureDate);
    expect(orders[2].pickupSlot).toBeNull(); // cancelled: holds no seat
    const weekday = new Date(`${futureDate}T12:00:00Z`).getUTCDay();
    if (weekday === 0) {
      expect(orders[1].pickupSlot).toBeNull(); // closed on Sundays: no slot to sit in
    } else {
      expect(orders[1].pickupSlot?.toISOString()).toBe(future.toISOString());
      const [seat] = await sql<{ taken: number }[]>`
        select taken from pickup_slots where at = ${future}`;
      expect(seat.taken).toBe(1);
    }
  });

  it("lets the old customer sign in, see the orders and cancel one, getting the stock back", async () => {
    const login = await t.app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "old@example.com", password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = await login.json();
    const headers = { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" };
    const list = await (await t.app.request("/api/v1/orders", { headers })).json();
    expect(list.items.map((o: { code: string }) => o.code).sort()).toEqual([
      "A-001",
      "A-002",
      "A-003",
    ]);
    const open = list.items.find((o: { code: string }) => o.code === "A-002");
    const cancel = await t.app.request(`/api/v1/orders/${open.id}/cancel`, {
      method: "POST",
      headers,
      body: "{}",
    });
    expect(cancel.status).toBe(200);
    const [bun] = await sql<{ stock: number }[]>`select stock from products where slug = 'bun'`;
    expect(bun.stock).toBe(42);
  });
});
