import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestContext,
  eventually,
  type TestContext,
  uniqueId,
} from "../../../tests/harness.ts";
import { type SignedIn, signedIn, textOf } from "../../../tests/admin-people.ts";
import { startConsumers, stopConsumers, workerDeps } from "../../../worker/handlers/index.ts";
import type { Consumer } from "../../infra/queue.ts";
import type { Mail } from "../../notify/mailer.ts";

/** Notifications say whether mail went out (and why not), and a failed one can be sent again. */

describe("with mail set up", () => {
  let t: TestContext;
  let admin: SignedIn;
  let consumers: Consumer[];
  /** The mail server: refuses while `refusing`, keeps what it accepts. */
  const server = { refusing: true, accepted: [] as Mail[] };

  beforeAll(async () => {
    t = await createTestContext({ config: { SMTP_URL: "smtp://mail.invalid:587" } });
    admin = await signedIn(t, "admin", "Ada Admin");
    const deps = workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log });
    consumers = await startConsumers({
      ...deps,
      mailer: {
        send: (mail) => {
          if (server.refusing) return Promise.reject(new Error("452 mailbox full"));
          server.accepted.push(mail);
          return Promise.resolve();
        },
        close: () => {},
      },
    });
  });
  afterAll(async () => {
    await stopConsumers(consumers ?? []);
    await t?.close();
  });

  /** The welcome (a new account is also sent a link to confirm its address). */
  const statusOf = async (email: string) =>
    (await t.sql<{ id: number; status: string; error: string | null }[]>`
      select id::int, status, error from notifications
      where recipient = ${email} and kind = 'welcome'`)[0];

  it("shows a failure with its reason, sends it again on request and shows it sent", async () => {
    const email = `grace-${uniqueId()}@example.com`;
    await t.services.accounts.manage.register(
      { email, password: "loaves and fishes", name: "Grace Crumb" },
      { ip: "192.0.2.4", userAgent: "resend.test" },
    );
    await t.services.relay.kick();
    const failed = await eventually(async () => {
      const n = await statusOf(email);
      return n?.status === "failed" ? n : undefined;
    });

    const before = textOf((await admin.browser.get("/admin/notifications")).html);
    expect(before).toContain("Failed");
    expect(before).toContain("Reason: 452 mailbox full");
    expect(before).toContain("Welcome");
    expect(before).toContain("Send again");

    server.refusing = false;
    const { res } = await admin.browser.post(`/admin/notifications/${failed!.id}/resend`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/notifications?done=resent");
    await t.services.relay.kick();
    await eventually(async () => (await statusOf(email))?.status === "sent");
    expect(server.accepted.map((m) => [m.to, m.subject])).toEqual([[
      email,
      expect.stringContaining("Welcome"),
    ]]);
    expect((await statusOf(email)).error).toBeNull();

    const after = await admin.browser.get(`/admin/notifications?status=sent`);
    expect(textOf(after.html)).toContain(email);
    const audit = textOf((await admin.browser.get("/admin/audit")).html);
    expect(audit).toContain(`Ada Admin sent a notification again (“Welcome to`);
    expect(audit).toContain(`to ${email}`);
  });

  it("answers 404 for a notification that does not exist, and is for admins only", async () => {
    expect((await admin.browser.post("/admin/notifications/999999/resend", {})).res.status)
      .toBe(404);
    const staff = await signedIn(t, "staff");
    expect((await staff.browser.post("/admin/notifications/1/resend", {})).res.status).toBe(403);
  });
});

describe("without mail", () => {
  let t: TestContext;
  let admin: SignedIn;
  beforeAll(async () => {
    t = await createTestContext();
    admin = await signedIn(t, "admin", "Ada Admin");
  });
  afterAll(() => t?.close());

  it("says notifications are recorded only, and refuses to send one again", async () => {
    const customer = await signedIn(t, "customer");
    const [{ id }] = await t.sql<{ id: number }[]>`
      insert into notifications (message_id, user_id, kind, recipient, subject, body)
      values (${uniqueId()}, ${customer.id}, 'order_ready', ${customer.email}, 'Ready', 'Come by')
      returning id::int`;
    const page = textOf((await admin.browser.get("/admin/notifications")).html);
    expect(page).toContain("Recorded only: mail is not set up");
    expect(page).toContain("Order ready");
    expect(page).not.toContain("Send again");
    const { res, html } = await admin.browser.post(`/admin/notifications/${id}/resend`, {});
    expect(res.status).toBe(409);
    expect(textOf(html)).toContain("Mail is not set up");
  });
});
