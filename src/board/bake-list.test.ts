import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../tests/harness.ts";
import { get } from "../../tests/admin-support.ts";
import { textOf } from "../../tests/admin-people.ts";
import { type ApiOrder, expectOrder, order, people } from "../../tests/orders-support.ts";
import {
  at,
  bakeryAt,
  bakeryConfig,
  dailyProduct,
  FRIDAY,
  madeToOrder,
  THURSDAY,
  TODAY,
} from "../../tests/bakery-support.ts";
import { ACCESS_COOKIE } from "../accounts/middleware.ts";

/** The kitchen's bake list of a date: on screen, on A4 paper and as CSV; and the board's layout. */

let base: TestContext;
let t: TestContext;
let admin: string;
let staff: string;
let customer: string;
let bread: { id: number; name: string };
let cake: { id: number; name: string };
let early: ApiOrder;
let eight: ApiOrder;
let friday: ApiOrder;

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
  await t.sql`update products set allergens = '{gluten,sesame}' where id = ${bread.id}`;
  cake = await madeToOrder(t, 12);
  const [ann, bob] = await people(t, 2);
  const line = (productId: number, quantity: number) => ({ productId, quantity });
  early = await expectOrder(
    await order(t, ann, { items: [line(bread.id, 3)], pickupAt: at(THURSDAY, "07:30") }),
  );
  eight = await expectOrder(
    await order(t, bob, {
      items: [line(bread.id, 2), line(cake.id, 1)],
      pickupAt: at(THURSDAY, "08:00"),
    }),
  );
  friday = await expectOrder(
    await order(t, bob, { items: [line(bread.id, 7)], pickupAt: at(FRIDAY, "09:00") }),
  );
});
afterAll(() => base?.close());

const sheet = async (query: string, cookie = staff) => {
  const res = await get(t, `/board/bake-list${query}`, cookie);
  return { res, html: await res.text() };
};

describe("the bake list page", () => {
  it("gives per product planned, ordered and left, and per slot what must be ready, with codes and allergens", async () => {
    const { res, html } = await sheet(`?date=${THURSDAY}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    const text = textOf(html);
    expect(text).toContain("Bake list · Thu 17 Apr");
    expect(text).toContain("2 orders");
    const row = html.slice(html.indexOf(`data-product="${bread.id}"`));
    expect(textOf(row.slice(0, row.indexOf("</tr>")))).toMatch(
      new RegExp(`${bread.name} 20 5 15 ⚠ Gluten, Sesame`),
    );
    const cakeRow = html.slice(html.indexOf(`data-product="${cake.id}"`));
    expect(textOf(cakeRow.slice(0, cakeRow.indexOf("</tr>")))).toContain(
      `${cake.name} (made to order) — 1 —`,
    );
    const slots = text.slice(text.indexOf("Per pickup slot"));
    expect(slots).toMatch(
      new RegExp(`Ready by 07:30 · 1 order 3× ${bread.name} ${early.code} ⚠ Gluten, Sesame`),
    );
    expect(slots).toContain(`Ready by 08:00 · 1 order`);
    expect(slots).toContain(`2× ${bread.name} ${eight.code}`);
    expect(slots).toContain(`1× ${cake.name} ${eight.code}`);
    // Friday's order stays on Friday's list.
    expect(html).not.toContain(friday.code);
    expect(slots.indexOf("07:30")).toBeLessThan(slots.indexOf("08:00"));
  });

  it("prints on A4 without the tools, and links days, the board and the CSV", async () => {
    const { html } = await sheet(`?date=${THURSDAY}`);
    expect(html).toContain('<nav class="bake-list-tools"');
    expect(html).toContain(`href="/board/bake-list?date=${TODAY}"`);
    expect(html).toContain(`href="/board/bake-list?date=${FRIDAY}"`);
    expect(html).toContain(`href="/board/bake-list.csv?date=${THURSDAY}"`);
    expect(html).toContain('href="/board"');
    // Only admins get the plan grid's link.
    expect(html).not.toContain('href="/admin/bake-plan"');
    expect((await sheet(`?date=${THURSDAY}`, admin)).html).toContain('href="/admin/bake-plan"');
    // The page loads the staff stylesheet, which holds the print rules.
    expect(html).toMatch(/<link rel="stylesheet" href="\/static\/build\/staff\.css/);
    const css = await (await t.app.request("/static/build/staff.css")).text();
    expect(css).toMatch(/@media print\{@page\{size:A4/);
    expect(css).toMatch(/\.bake-list-tools\{display:none/);
  });

  it("shows today's list without a date", async () => {
    const { res, html } = await sheet("");
    expect(res.status).toBe(200);
    expect(textOf(html)).toContain("Bake list · Wed 16 Apr");
    expect(textOf(html)).toContain("No orders for this date.");
  });

  it("downloads the same as CSV", async () => {
    const res = await get(t, `/board/bake-list.csv?date=${THURSDAY}`, staff);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(
      `attachment; filename="bake-list-${THURSDAY}.csv"`,
    );
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("date,slot,product_id,product,planned,ordered,remaining,order_codes");
    expect(lines).toContain(`${THURSDAY},all day,${bread.id},${bread.name},20,5,15,`);
    expect(lines).toContain(`${THURSDAY},07:30,${bread.id},${bread.name},,3,,${early.code}`);
  });

  it("refuses bad dates with words, and people who are not staff", async () => {
    for (const query of ["?date=2031-02-30", "?date=tomorrow", `?date=${TODAY}&date=${FRIDAY}`]) {
      for (const path of ["/board/bake-list", "/board/bake-list.csv"]) {
        const res = await get(t, `${path}${query}`, staff);
        expect(res.status, `${path}${query}`).toBe(400);
        expect(textOf(await res.text())).toMatch(/Give (one|the) date,? as YYYY-MM-DD/);
      }
    }
    expect((await get(t, `/board/bake-list?date=${THURSDAY}`, customer)).status).toBe(403);
    expect((await get(t, `/board/bake-list.csv?date=${THURSDAY}`, customer)).status).toBe(403);
    const anonymous = await get(t, "/board/bake-list");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("Location")).toMatch(/^\/signin\?next=/);
  });
});

describe("the board's layout", () => {
  it("keeps the compact layout for the device until asked for larger tickets", async () => {
    const first = await get(t, "/board?layout=compact", staff);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('class="board board-compact"');
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith("board_layout="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    const again = await get(t, "/board", `${staff}; board_layout=compact`);
    const html = await again.text();
    expect(html).toContain('class="board board-compact"');
    expect(html).toContain('href="/board?layout=roomy"');
    expect(html).toContain(`href="/board/bake-list?date=${TODAY}"`);
    const roomy = await get(t, "/board?layout=roomy", `${staff}; board_layout=compact`);
    expect(await roomy.text()).toContain('class="board"');
  });

  it("counts later days' orders in a strip that opens each day's bake list", async () => {
    const html = await (await get(t, "/board", staff)).text();
    expect(html).toMatch(/data-later-count="3">3</);
    expect(html).toMatch(new RegExp(`data-later-date="${THURSDAY}">Thu 17 Apr · 2 orders`));
    expect(html).toMatch(new RegExp(`data-later-date="${FRIDAY}">Fri 18 Apr · 1 order<`));
    expect(html).not.toContain(`data-code="${early.code}"`);
  });
});
