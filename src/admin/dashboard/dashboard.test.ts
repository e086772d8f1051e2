import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../app.ts";
import { recordAudit } from "../../audit/record.ts";
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
import {
  DASHBOARD_TOPIC,
  type DashboardSource,
  dashboardSource,
  publishDashboard,
} from "./publish.ts";

/**
 * The admin dashboard. The shop is in New York; the clock is fixed at 23:30 there on
 * 14 March 2030, when it is already 15 March in UTC: "today" must be the shop's day.
 */
const NOW = new Date("2030-03-15T03:30:00Z");

describe("admin dashboard", () => {
  let t: TestContext;
  let app: ReturnType<typeof createApp>;
  let admin: SignedIn;
  let staff: SignedIn;
  let customer: SignedIn;
  let source: DashboardSource;
  const low: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestContext({ seed: true, config: { TIMEZONE: "America/New_York" } });
    app = createApp({ ...t.deps, now: () => NOW }, t.services);
    source = dashboardSource({ deps: t.deps, services: t.services, now: () => NOW });
    admin = await signedIn(t, "admin", "Ada Admin");
    staff = await signedIn(t, "staff", "Kim Kitchen");
    customer = await signedIn(t, "customer", "Carla Customer");

    const order = (code: string, status: string, placedAt: string, totalCents: number) =>
      insertOrder(t, {
        userId: customer.user.id,
        code,
        status,
        placedAt: new Date(placedAt),
        totalCents,
      });
    await order("A001", "placed", "2030-03-14T04:30:00Z", 1000); // 00:30 today in New York
    await order("A002", "baking", "2030-03-15T03:00:00Z", 550); // 23:00 today
    await order("A003", "ready", "2030-03-14T03:30:00Z", 9999); // 23:30 yesterday
    await order("A004", "cancelled", "2030-03-14T12:00:00Z", 700); // today, cancelled
    await order("A005", "picked_up", "2030-03-14T15:00:00Z", 425); // today, collected
    await order("A006", "placed", "2030-03-15T04:30:00Z", 8000); // 00:30 tomorrow

    // Stock: everything plenty, then three products low (one of them no longer sold).
    await t.sql`update products set stock = 50, low_stock_threshold = 5, active = true`;
    const products = await t.sql<{ id: number; name: string }[]>`
      select id, name from products order by id limit 4`;
    const [soldOut, atThreshold, aboveThreshold, retired] = products;
    await t.sql`update products set stock = 0 where id = ${soldOut.id}`;
    await t
      .sql`update products set stock = 3, low_stock_threshold = 3 where id = ${atThreshold.id}`;
    await t.sql`update products set stock = 4, low_stock_threshold = 3
      where id = ${aboveThreshold.id}`;
    await t.sql`update products set stock = 0, active = false where id = ${retired.id}`;
    Object.assign(low, {
      soldOut: soldOut.id,
      atThreshold: atThreshold.id,
      aboveThreshold: aboveThreshold.id,
      retired: retired.id,
    });

    // Activity: a role change, a failed sign-in with markup in the address, an admin action
    // recorded by another screen.
    const kim = await signedIn(t, "customer", "Kim Kowalski");
    await t.services.accounts.manage.setRole(admin.user, kim.user.id, "staff", {
      ip: "192.0.2.1",
      userAgent: "test",
    });
    await recordAudit(t.sql, {
      action: "auth.signin_failed",
      entityType: "user",
      details: { email: "<script>alert(1)</script>@example.com" },
    });
    await recordAudit(t.sql, {
      actorId: admin.user.id,
      action: "product.price_changed",
      entityType: "product",
      entityId: atThreshold.id,
      details: { from: 350, to: 375 },
    });
    await recordAudit(t.sql, {
      actorId: admin.user.id,
      action: "stock.changed",
      entityType: "product",
      entityId: soldOut.id,
      details: { change: "waste", delta: -4, stock_after: 0, note: "" },
    });
  });
  afterAll(() => t?.close());

  it("counts today's orders and takings in the shop's time zone, cancelled left out", async () => {
    const { res, html } = await get(app, "/admin", admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    // A001, A002, A004 (cancelled), A005; not yesterday's A003 nor tomorrow's A006.
    expect(figure(html, "orders-today")).toBe("4");
    expect(html).toContain("1 cancelled");
    expect(figure(html, "revenue-today")).toBe(t.services.format.money(1000 + 550 + 425));
    expect(html).toContain('aria-current="page">Dashboard</a>');
  });

  it("shows open tickets by state, whatever day they were placed", async () => {
    const { html } = await get(app, "/admin", admin);
    expect(figure(html, "open-placed")).toBe("2");
    expect(figure(html, "open-baking")).toBe("1");
    expect(figure(html, "open-ready")).toBe("1");
  });

  it("lists active products at or under their threshold, linked to their stock page", async () => {
    const { html } = await get(app, "/admin", admin);
    const section = html.slice(html.indexOf('data-figure="low-stock"'));
    const lowList = section.slice(0, section.indexOf("</section>"));
    expect(lowList).toContain(`href="/admin/stock/${low.soldOut}"`);
    expect(lowList).toContain(`href="/admin/stock/${low.atThreshold}"`);
    expect(lowList).not.toContain(`href="/admin/stock/${low.aboveThreshold}"`);
    expect(lowList).not.toContain(`href="/admin/stock/${low.retired}"`);
    expect(lowList).toContain("sold out");
    expect(lowList).toContain("3 left");
    // Emptiest first.
    expect(lowList.indexOf(`/admin/stock/${low.soldOut}"`)).toBeLessThan(
      lowList.indexOf(`/admin/stock/${low.atThreshold}"`),
    );
  });

  it("tells recent activity in words, newest first, escaped", async () => {
    const { html } = await get(app, "/admin", admin);
    const section = html.slice(html.indexOf('data-figure="activity"'));
    const activity = section.slice(0, section.indexOf("</section>"));
    const [product] = await t.sql<{ name: string }[]>`
      select name from products where id = ${low.atThreshold}`;
    expect(activity).toContain(`Ada Admin: product price changed — product “${product.name}”`);
    const [emptied] = await t.sql<{ name: string }[]>`
      select name from products where id = ${low.soldOut}`;
    expect(activity).toContain(
      `Ada Admin changed the stock of product “${emptied.name}” by -4 to 0`,
    );
    expect(activity).toContain(
      "A sign-in as &lt;script&gt;alert(1)&lt;/script&gt;@example.com failed",
    );
    expect(activity).toContain("Ada Admin changed the role of Kim Kowalski from customer to staff");
    expect(activity).toContain("Kim Kowalski signed in");
    expect(activity).not.toContain("<script>");
    expect(activity.indexOf("product price changed")).toBeLessThan(
      activity.indexOf("changed the role"),
    );
    expect(activity.match(/<li>/g)?.length).toBeLessThanOrEqual(10);
  });

  it("streams the figures first, then new figures after an order", async () => {
    const abort = new AbortController();
    const res = await app.request(
      new Request("http://localhost/admin/dashboard/events", {
        headers: { Cookie: admin.cookie },
        signal: abort.signal,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/event-stream");
    const stream = sseFrames(res);
    const first = await stream.nextData();
    expect(first.data).toContain('id="dashboard-figures"');
    expect(first.data).toContain('hx-swap-oob="true"');
    expect(figure(first.data!, "orders-today")).toBe("4");

    await insertOrder(t, {
      userId: customer.user.id,
      code: "A007",
      status: "placed",
      placedAt: new Date("2030-03-15T03:20:00Z"),
      totalCents: 1200,
    });
    await publishDashboard(source);
    const update = await stream.nextData();
    expect(figure(update.data!, "orders-today")).toBe("5");
    expect(figure(update.data!, "revenue-today")).toBe(t.services.format.money(3175));
    expect(figure(update.data!, "open-placed")).toBe("3");
    abort.abort();
    await stream.cancel().catch(() => {});
  });

  it("renders once per event, not per client, and folds a burst into few renders", async () => {
    const aborts = [new AbortController(), new AbortController()];
    const streams = await Promise.all(aborts.map(async (abort) =>
      sseFrames(
        await app.request(
          new Request("http://localhost/admin/dashboard/events", {
            headers: { Cookie: admin.cookie },
            signal: abort.signal,
          }),
        ),
      )
    ));
    for (const stream of streams) await stream.nextData();
    const send = vi.spyOn(t.live, "sendLocal");
    try {
      await publishDashboard(source);
      expect(send.mock.calls.filter(([topic]) => topic === DASHBOARD_TOPIC)).toHaveLength(1);
      const [a, b] = await Promise.all(streams.map((s) => s.nextData()));
      expect(a.data).toBe(b.data);

      send.mockClear();
      await Promise.all(Array.from({ length: 6 }, () => publishDashboard(source)));
      const renders = send.mock.calls.filter(([topic]) => topic === DASHBOARD_TOPIC).length;
      expect(renders).toBeGreaterThanOrEqual(1);
      expect(renders).toBeLessThanOrEqual(2);
    } finally {
      send.mockRestore();
      for (const abort of aborts) abort.abort();
      for (const stream of streams) await stream.cancel().catch(() => {});
    }
  });

  it("is for admins only: the page and its stream", async () => {
    await expectAdminsOnly(app, ["/admin", "/admin/dashboard/events"], customer, staff);
  });

  it("keeps the kiosk page inside the admin layout", async () => {
    const { res, html } = await get(app, "/admin/kiosks", admin);
    expect(res.status).toBe(200);
    expect(html).toContain('aria-current="page">Kiosks</a>');
    expect(html).toContain("No kiosk is signed in.");
  });
});
