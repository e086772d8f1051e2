import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../audit/record.ts";
import { createTestContext, eventually, type TestContext } from "../../../tests/harness.ts";
import { startConsumers, stopConsumers, workerDeps } from "../../../worker/handlers/index.ts";
import {
  expectAdminsOnly,
  get,
  insertOrder,
  type SignedIn,
  signedIn,
  tableRows,
} from "../../../tests/dashboard-support.ts";

/** The audit log: every sign-in, account and admin action, and staff order changes. */
describe("admin audit log", () => {
  let t: TestContext;
  let admin: SignedIn;
  let staff: SignedIn;
  let customer: SignedIn;
  let orderId: number;
  const meta = { ip: "198.51.100.7", userAgent: "Bakery laptop <b>bold</b>" };

  beforeAll(async () => {
    // Auckland is UTC+13 in January: the shop's days begin at 11:00 UTC the day before.
    t = await createTestContext({ config: { TIMEZONE: "Pacific/Auckland" } });
    admin = await signedIn(t, "admin", "Ada Admin");
    staff = await signedIn(t, "staff", "Kim Kitchen");
    customer = await signedIn(t, "customer", "Carla Customer", "carla.c@example.org");
    await t.services.accounts.manage.setRole(admin.user, customer.user.id, "customer", meta);
    await t.services.accounts.manage.setDisabled(admin.user, customer.user.id, true, meta);
    await t.services.accounts.manage.setDisabled(admin.user, customer.user.id, false, meta);
    await recordAudit(t.sql, {
      action: "auth.signin_failed",
      entityType: "user",
      details: { email: "nobody@example.net" },
      ...meta,
    });
    await recordAudit(t.sql, {
      actorId: admin.user.id,
      action: "product.updated",
      entityType: "product",
      entityId: 999,
      details: { note: "<script>alert('x')</script>", changes: ["price", "name"] },
      ...meta,
    });
    // A staff member bumps an order on the board; placing it is the customer's, not listed.
    orderId = await insertOrder(t, {
      userId: customer.user.id,
      code: "B042",
      status: "placed",
      placedAt: new Date(),
      totalCents: 800,
    });
    // Every status change is audited by the worker from its event, whoever made it.
    const consumers = await startConsumers(
      workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }),
    );
    await t.services.orders.changeStatus(orderId, "baking", staff.user);
    // An admin moves it on from the orders screen.
    await t.services.orders.changeStatus(orderId, "ready", admin.user, { meta });
    // And staff move it back from the board, saying why.
    await t.services.orders.changeStatus(orderId, "baking", staff.user, {
      back: true,
      reason: "Needs slicing",
    });
    await eventually(async () => {
      const [{ n }] = await t.sql<{ n: number }[]>`
        select count(*)::int as n from audit_log
        where action = 'order.status_changed' and entity_id = ${String(orderId)}`;
      return n === 3;
    });
    await stopConsumers(consumers);
    // Four entries around the shop's 10 January 2025.
    for (
      const at of [
        "2025-01-09T10:59:00Z",
        "2025-01-09T11:01:00Z",
        "2025-01-10T10:59:00Z",
        "2025-01-10T11:01:00Z",
      ]
    ) {
      await t.sql`
        insert into audit_log (at, actor_id, action, entity_type, entity_id, details)
        values (${new Date(at)}, ${admin.user.id}, 'stock.adjusted', 'product', '7',
          ${t.sql.json({ at })})`;
    }
    // Enough for three pages.
    await t.sql`
      insert into audit_log (at, actor_id, action, entity_type, entity_id, details)
      select timestamptz '2024-06-01T12:00:00Z' + n * interval '1 minute', ${staff.user.id},
        'bulk.test', 'thing', n::text, jsonb_build_object('n', n)
      from generate_series(1, 120) n`;
  });
  afterAll(() => t?.close());

  const page = (query: string, headers?: Record<string, string>) =>
    get(t.app, `/admin/audit${query}`, admin, headers);

  it("lists entries newest first in words, with who, entity, details, IP and agent", async () => {
    const { res, html } = await page("");
    expect(res.status).toBe(200);
    expect(html).toContain('aria-current="page">Audit log</a>');
    const rows = tableRows(html);
    expect(rows).toHaveLength(50);
    expect(rows[0]).toContain(
      `Kim Kitchen moved order “B042” back from ready to baking: Needs slicing`,
    );
    expect(rows[1]).toContain(`Ada Admin moved order “B042” from baking to ready`);
    expect(rows[1]).toContain("198.51.100.7");
    expect(rows[2]).toContain(`Kim Kitchen moved order “B042” from new to baking`);
    // Words, not the raw action name.
    expect(rows[2]).not.toContain("order.status_changed");
    expect(html).toContain("Ada Admin disabled Carla Customer");
    expect(html).toContain("Ada Admin enabled Carla Customer");
    expect(html).toContain("A sign-in as nobody@example.net failed");
    expect(html).toContain("198.51.100.7");
    // A program that is no browser is named by its first word; the whole string stays in
    // the title, escaped.
    expect(html).toContain('title="Bakery laptop &lt;b&gt;bold&lt;/b&gt;">Bakery</span>');
    // Details as escaped key: value pairs.
    expect(html).toContain(
      "<dt>Note:</dt> <dd>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</dd>",
    );
    expect(html).toContain("<dt>Changes:</dt> <dd>price, name</dd>");
    expect(html).not.toContain("<script>alert");
  });

  it("pages through LIMIT/OFFSET with the filters kept in the links", async () => {
    const first = await page("?action=bulk.test");
    expect(first.html).toContain("120 entries");
    expect(tableRows(first.html)).toHaveLength(50);
    expect(first.html).toContain("Page 1 of 3");
    expect(first.html).toContain('href="/admin/audit?action=bulk.test&amp;page=2"');
    const last = await page("?action=bulk.test&page=3");
    const rows = tableRows(last.html);
    expect(rows).toHaveLength(20);
    // Oldest last: n = 20 … 1.
    expect(rows[19]).toContain("<dt>N:</dt> <dd>1</dd>");
    expect(last.html).toContain('href="/admin/audit?action=bulk.test&amp;page=2"');
    const beyond = await page("?action=bulk.test&page=9");
    expect(tableRows(beyond.html)).toHaveLength(0);
  });

  it("filters by actor name or email, including the address a failed sign-in tried", async () => {
    const byName = tableRows((await page("?actor=kitchen")).html);
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((r) => r.includes("Kim Kitchen"))).toBe(true);
    const byEmail = await page("?actor=carla.c%40example");
    // Her sign-in; placing an order is not a staff action and is not listed.
    expect(byEmail.html).toContain("1 entry");
    expect(tableRows(byEmail.html).every((r) => r.includes("Carla Customer"))).toBe(true);
    const failed = await page("?actor=nobody%40");
    expect(failed.html).toContain("1 entry");
    // LIKE wildcards are taken literally.
    expect((await page("?actor=%25")).html).toContain("No entry matches these filters.");
  });

  it("filters by action, offering the actions that occur", async () => {
    const { html } = await page("?action=user.disabled");
    expect(html).toContain("1 entry");
    expect(html).toContain('<option value="user.disabled" selected="">user disabled</option>');
    for (const action of ["auth.signin", "order.status_changed", "stock.adjusted"]) {
      expect(html).toContain(`<option value="${action}">`);
    }
  });

  it("filters by entity type and id", async () => {
    const user = await page(`?type=user&id=${customer.user.id}`);
    const rows = tableRows(user.html);
    expect(rows).toHaveLength(4); // signed in, role set, disabled, enabled
    expect(rows.every((r) => r.includes("Carla Customer"))).toBe(true);
    // The staff bump, the admin's change and the move back, once each.
    const order = await page(`?type=order&id=${orderId}`);
    expect(order.html).toContain("3 entries");
    expect(tableRows(order.html).every((r) => r.includes("B042"))).toBe(true);
  });

  it("filters by dates on the shop's calendar, both ends included", async () => {
    const { html } = await page("?action=stock.adjusted&from=2025-01-10&until=2025-01-10");
    expect(html).toContain("2 entries");
    expect(html).toContain("2025-01-09T11:01:00Z");
    expect(html).toContain("2025-01-10T10:59:00Z");
    expect(html).not.toContain("2025-01-09T10:59:00Z");
    expect(html).not.toContain("2025-01-10T11:01:00Z");
    const from = await page("?action=stock.adjusted&from=2025-01-11");
    expect(from.html).toContain("1 entry");
    const until = await page("?action=stock.adjusted&until=2025-01-09");
    expect(until.html).toContain("1 entry");
  });

  it("says which dates it could not read and leaves them out", async () => {
    const { res, html } = await page("?action=stock.adjusted&from=2025-02-30&until=soon");
    expect(res.status).toBe(200);
    expect(html).toContain("Some filters were not understood");
    expect(html).toContain("Give a date such as 2026-11-21.");
    expect(html).toContain("4 entries");
    const backwards = await page("?action=stock.adjusted&from=2025-01-11&until=2025-01-10");
    expect(backwards.html).toContain("The end comes before the start.");
  });

  it("answers the filter form's htmx request with the results alone", async () => {
    const { res, html } = await page("?actor=&action=user.enabled&from=", {
      "HX-Request": "true",
      "HX-Target": "section#audit-results",
    });
    expect(res.headers.get("Vary")).toContain("HX-Target");
    expect(res.headers.get("HX-Push-Url")).toBe("/admin/audit?action=user.enabled");
    expect(html.startsWith('<section id="audit-results"')).toBe(true);
    expect(html).toContain("1 entry");
    expect(html).not.toContain("<html");
    // A boosted request (no target) gets the whole page.
    const boosted = await page("?action=user.enabled", { "HX-Request": "true" });
    expect(boosted.html).toContain("<!doctype html>");
  });

  it("is for admins only", async () => {
    // Carla's sessions ended when she was disabled: another customer asks.
    const other = await signedIn(t, "customer", "Cora Other");
    await expectAdminsOnly(
      t.app,
      ["/admin/audit", "/admin/audit?action=auth.signin"],
      other,
      staff,
    );
  });
});
