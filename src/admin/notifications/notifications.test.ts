import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markNotification, recordNotification } from "../../notify/queries.ts";
import { createTestContext, type TestContext } from "../../../tests/harness.ts";
import {
  expectAdminsOnly,
  get,
  insertOrder,
  type SignedIn,
  signedIn,
  tableRows,
} from "../../../tests/dashboard-support.ts";

/** What the worker told customers, as admins review it. */
describe("admin notifications", () => {
  let t: TestContext;
  let admin: SignedIn;
  let staff: SignedIn;
  let customer: SignedIn;
  let orderId: number;
  let failedId: number;

  beforeAll(async () => {
    t = await createTestContext();
    admin = await signedIn(t, "admin", "Ada Admin");
    staff = await signedIn(t, "staff", "Kim Kitchen");
    customer = await signedIn(t, "customer", "Carla Customer");
    orderId = await insertOrder(t, {
      userId: customer.user.id,
      code: "C007",
      status: "ready",
      placedAt: new Date(),
      totalCents: 900,
    });
    const record = (n: number, kind: string, extra: { subject?: string; body?: string } = {}) =>
      recordNotification(t.sql, {
        messageId: `m-${n}`,
        userId: customer.user.id,
        orderId: kind === "welcome" ? null : orderId,
        kind,
        recipient: "carla@example.com",
        subject: extra.subject ?? `Message ${n}`,
        body: extra.body ?? `Body ${n}`,
      });
    // 27 welcome mails sent, one order mail waiting, one failed: markup in every field.
    for (let n = 1; n <= 27; n++) {
      const row = await record(n, "welcome");
      await markNotification(t.sql, row!.id, { sent: true });
    }
    // One of each kind per order (the database holds that): its confirmation waits.
    await record(100, "order_confirmation");
    const failed = await record(101, "order_ready", {
      subject: "<script>alert('subject')</script> Your order",
      body: "Hello <b>Carla</b>,\n<script>alert('body')</script>",
    });
    failedId = failed!.id;
    await markNotification(t.sql, failedId, {
      sent: false,
      error: "550 <i>mailbox unavailable</i>",
    });
  });
  afterAll(() => t?.close());

  const page = (query: string, headers?: Record<string, string>) =>
    get(t.app, `/admin/notifications${query}`, admin, headers);

  it("lists notifications newest first, a page at a time", async () => {
    const { res, html } = await page("");
    expect(res.status).toBe(200);
    expect(html).toContain('aria-current="page">Notifications</a>');
    expect(html).toContain("29 notifications");
    expect(tableRows(html)).toHaveLength(25);
    expect(html).toContain("Page 1 of 2");
    expect(tableRows((await page("?page=2")).html)).toHaveLength(4);
  });

  it("shows kind, recipient, order link, status with its error, and times", async () => {
    const { html } = await page("?status=failed");
    expect(html).toContain("1 notification");
    const [row] = tableRows(html);
    expect(row).toContain("Order ready");
    expect(row).toContain("carla@example.com");
    expect(row).toContain(`href="/orders/${orderId}">C007</a>`);
    expect(row).toContain('class="notification-status status-failed">Failed</span>');
    expect(row).toContain("Reason: 550 &lt;i&gt;mailbox unavailable&lt;/i&gt;");
    expect(row).toMatch(/<time datetime="[^"]+">/);
  });

  it("escapes subjects and bodies, the body behind <details>", async () => {
    const { html } = await page("?kind=order_ready");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<b>Carla</b>");
    expect(html).toContain(
      "<summary>&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt; Your order</summary>",
    );
    expect(html).toContain(
      "<pre>Hello &lt;b&gt;Carla&lt;/b&gt;,\n&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;</pre>",
    );
  });

  it("filters by status and by kind, in the URL", async () => {
    const sent = await page("?status=sent&kind=welcome");
    expect(sent.html).toContain("27 notifications");
    expect(sent.html).toContain(
      'href="/admin/notifications?status=sent&amp;kind=welcome&amp;page=2"',
    );
    const waiting = await page("?status=recorded");
    expect(waiting.html).toContain("1 notification");
    expect(tableRows(waiting.html)[0]).toContain("Message 100");
    const kinds = await page("?kind=order_ready");
    expect(kinds.html).toContain("1 notification");
    expect(kinds.html).toContain('<option value="order_ready" selected="">Order ready</option>');
    expect(kinds.html).toContain('<option value="welcome">Welcome</option>');
    // An unknown status is no filter.
    expect((await page("?status=lost")).html).toContain("29 notifications");
    expect((await page("?kind=nothing")).html).toContain("No notification matches");
  });

  it("answers the filter form's htmx request with the results alone", async () => {
    const { html } = await page("?status=failed", {
      "HX-Request": "true",
      "HX-Target": "section#notification-results",
    });
    expect(html.startsWith('<section id="notification-results"')).toBe(true);
    expect(html).toContain(`id="notification-${failedId}"`);
  });

  it("is for admins only", async () => {
    await expectAdminsOnly(t.app, ["/admin/notifications"], customer, staff);
  });
});
