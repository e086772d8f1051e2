import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword } from "../../src/accounts/passwords.ts";
import { insertUser } from "../../src/accounts/queries.ts";
import { createLogger } from "../../src/infra/log.ts";
import { seedDemoCoupons } from "../../src/coupons/demo.ts";
import { addDays } from "../../src/shop/hours.ts";
import { createTestContext, type TestContext } from "../harness.ts";

/**
 * A seeded shop with one of everything a route can name (a product, a category, a coupon, an
 * order, a kiosk session), a customer with a full cart, a staff member and an admin; and what
 * the app logged at warning level or worse, by request id.
 */

export type Role = "anonymous" | "customer" | "staff" | "admin";
export const roles: Role[] = ["anonymous", "customer", "staff", "admin"];
export const PASSWORD = "crumbs-on-the-counter";

export interface FuzzShop {
  t: TestContext;
  users: Record<Exclude<Role, "anonymous">, { id: number; email: string }>;
  /** Honest values of path parameters, by route pattern and parameter name. */
  param: (pattern: string, name: string) => string;
  /** Pages that show forms the routes' own pages do not (an archived product's). */
  extraPages: string[];
  /** Lines logged at warning level or worse. */
  problems: { requestId?: string; message: string; error?: string; path?: string }[];
  /** Fresh tokens of a new session of this person. */
  session: (role: Role, kind: "web" | "api") => Promise<Tokens | undefined>;
  close(): Promise<void>;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const meta = { ip: "192.0.2.99", userAgent: "fuzz" };

export async function openFuzzShop(): Promise<FuzzShop> {
  const problems: FuzzShop["problems"] = [];
  const log = createLogger("warn", (line) => problems.push(JSON.parse(line)));
  const dataDir = await mkdtemp(join(tmpdir(), "crumb-fuzz-"));
  const t = await createTestContext({
    seed: true,
    log,
    config: {
      DATA_DIR: dataDir,
      OPENING_HOURS: "mon-sun 00:00-23:45",
      API_RATE_LIMIT_PER_MINUTE: "1000000",
    },
  });
  const passwordHash = await hashPassword(PASSWORD);
  const person = async (role: Exclude<Role, "anonymous">) => {
    const email = `fuzz.${role}.${crypto.randomUUID().slice(0, 8)}@example.com`;
    const row = await insertUser(t.sql, { email, name: `Fuzz ${role}`, passwordHash, role });
    return { id: row!.id, email, row: row! };
  };
  const customer = await person("customer");
  const staff = await person("staff");
  const admin = await person("admin");
  // Whom the admin's user screens act on: never one of the people the test signs in as.
  const bystander = await person("customer");

  const [product] = await t.sql<{ id: number; slug: string }[]>`
    update products set stock = 100000
    where id = (select min(id) from products where active) returning id, slug`;
  const [archived] = await t.sql<{ id: number }[]>`
    update products set active = false
    where id = (select max(id) from products where active) returning id`;
  const [category] = await t.sql<{ id: number }[]>`select min(id) as id from categories`;
  await seedDemoCoupons(t.sql);
  const [coupon] = await t.sql<{ id: number }[]>`select min(id) as id from coupons`;
  // A daily product, a closure and special hours: the plan grid and the calendar show their forms.
  const [daily] = await t.sql<{ id: number }[]>`
    update products set kind = 'daily', par = '{5,5,5,5,5,5,5}'
    where id = (select min(id) from products where active and id <> ${product.id})
    returning id`;
  // Six weeks of its past sales: the plan grid offers suggestions, and their forms.
  await t.sql`
    insert into product_days (product_id, date, planned, follows_par, ordered, counter)
    select ${daily.id}, d::date, 6, false, 0, 5
    from generate_series(${t.services.bakery.today()}::date - 42,
      ${t.services.bakery.today()}::date - 1, interval '1 day') d
    on conflict do nothing`;
  const later = addDays(t.services.bakery.today(), 30);
  const who = { actorId: admin.id };
  const { closure } = await t.services.calendar.addClosure(
    { from: later, reason: "Closed for the fuzz" },
    who,
  );
  await t.services.calendar.setSpecialHours(
    addDays(later, 1),
    { opens: "09:00", closes: "12:00" },
    who,
  );
  const order = () =>
    t.services.orders.place({
      userId: customer.id,
      items: [{ productId: product.id, quantity: 1 }],
      pickup: "asap",
    });
  const placed = await order();
  // A collected one too: the board offers to recall it.
  const collected = await order();
  for (const to of ["baking", "ready", "picked_up"] as const) {
    await t.services.orders.changeStatus(collected.order.id, to, { id: admin.id, role: "admin" });
  }
  await t.services.cart.add({ userId: customer.id }, product.id, 2);
  const kiosk = await t.services.accounts.sessions.startSession(staff.row, meta, "kiosk");
  const [kioskSession] = await t.sql<{ id: string }[]>`
    select id from sessions where user_id = ${staff.id} and kind = 'kiosk'`;
  void kiosk;

  const byPrefix: [RegExp, Record<string, string>][] = [
    [/^\/admin\/products\/.*\/restore$/, { id: String(archived.id) }],
    [/^\/board\/orders\/.*\/recall$/, { id: String(collected.order.id) }],
    [/^\/admin\/categories/, { id: String(category.id) }],
    [/^\/admin\/bake-plan/, { id: String(daily.id) }],
    [/^\/admin\/calendar\/closures/, { id: String(closure.id) }],
    [/^\/admin\/calendar\/special/, { date: addDays(later, 1) }],
    [/^\/admin\/coupons/, { id: String(coupon.id) }],
    [/^\/admin\/(products|stock)/, { id: String(product.id) }],
    [/^\/admin\/users/, { id: String(bystander.id) }],
    [/^\/admin\/kiosks/, { id: kioskSession.id }],
    [/^\/admin\/jobs/, { queue: "orders", id: "0123456789abcdef" }],
    [/^\/uploads/, { name: "0123456789abcdef.webp" }],
    [/orders/, { id: String(placed.order.id) }],
  ];
  const param = (pattern: string, name: string) => {
    if (name === "idOrSlug") return product.slug;
    if (name === "productId") return String(product.id);
    for (const [prefix, values] of byPrefix) {
      if (prefix.test(pattern) && values[name]) return values[name];
    }
    return "1";
  };

  const people = { customer, staff, admin };
  return {
    t,
    users: people,
    param,
    extraPages: [`/admin/products/${archived.id}`],
    problems,
    session: async (role, kind) => {
      if (role === "anonymous") return undefined;
      return await t.services.accounts.sessions.startSession(people[role].row, meta, kind);
    },
    close: async () => {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
