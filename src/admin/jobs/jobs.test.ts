import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AdminTestContext,
  createAdminContext,
  get,
  post,
} from "../../../tests/admin-support.ts";
import { createTestContext, createTestQueue, eventually } from "../../../tests/harness.ts";
import { signIn } from "../../../tests/admin-support.ts";
import { newMessage } from "../../infra/queue.ts";
import { ORDERS_QUEUE, USERS_QUEUE } from "../../outbox/outbox.ts";

/** The jobs screen: queues at a glance, the outbox's backlog, dead letters retried or discarded. */
describe("admin jobs", () => {
  let t: AdminTestContext;
  const broken = newMessage("order.placed", { orderId: 4242 });
  const other = newMessage("order.placed", { orderId: 4343 });
  const welcome = newMessage("user.registered", { userId: 7 });

  /** Dead-letters messages on a queue through a consumer that always fails once. */
  async function deadLetter(queue: string, messages: ReturnType<typeof newMessage>[]) {
    const consumer = await t.queue.consume(queue, (m) => {
      return Promise.reject(new Error(`SMTP refused the mail for ${m.payload.orderId ?? "?"}`));
    }, { maxAttempts: 1 });
    for (const message of messages) await t.queue.publish(queue, message);
    await eventually(async () => (await t.queue.stats(queue)).dead === messages.length);
    await consumer.stop();
  }

  const auditRows = (action: string) =>
    t.sql<{ entityId: string; details: Record<string, unknown> }[]>`
      select entity_id, details from audit_log where action = ${action} order by id`;

  beforeAll(async () => {
    t = await createAdminContext();
    await deadLetter(ORDERS_QUEUE, [broken, other]);
    await deadLetter(USERS_QUEUE, [welcome]);
    await t.sql`
      insert into outbox (message_id, queue, type, payload, created_at, attempts, last_error)
      values (${crypto.randomUUID()}, 'orders', 'order.placed', '{}',
              now() - interval '125 seconds', 2, 'RabbitMQ is not connected')`;
  });
  afterAll(() => t?.close());

  it("shows each queue's counts, the outbox's backlog and the dead letters with their last error", async () => {
    const res = await get(t, "/admin/jobs", t.admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    const html = await res.text();
    const row = (queue: string) =>
      html.match(new RegExp(`<tr data-queue="${queue}">([\\s\\S]*?)</tr>`))?.[1] ?? "";
    const dead = (n: number) => `data-figure="dead">${n}</td>`;
    expect(row("orders")).toContain(dead(2));
    expect(row("users")).toContain(dead(1));
    expect(row("analytics")).toContain(dead(0));
    expect(html).toContain("SMTP refused the mail for 4242");
    expect(html).toContain(`action="/admin/jobs/orders/${broken.id}/retry"`);
    expect(html).toContain(`action="/admin/jobs/users/${welcome.id}/discard"`);
    expect(html).toMatch(/data-figure="outbox-pending">[\s\S]*?>1</);
    expect(html).toMatch(/data-figure="outbox-age">[\s\S]*?2 min \d+ s/);
    expect(html).toContain("could not be published yet: RabbitMQ is not connected");
    expect(html).toContain('aria-current="page">Jobs</a>');
  });

  it("retries a dead letter once: it goes back to work, and the retry is audited", async () => {
    const res = await post(t, `/admin/jobs/orders/${broken.id}/retry`, t.admin, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/admin/jobs?done=retried#queue-orders");
    expect(await t.queue.stats(ORDERS_QUEUE)).toMatchObject({ waiting: 1, dead: 1 });
    const [audit] = await auditRows("job.retried");
    expect(audit).toMatchObject({
      entityId: broken.id,
      details: {
        queue: "orders",
        type: "order.placed",
        attempts: 1,
        lastError: "SMTP refused the mail for 4242",
      },
    });
    const page = await (await get(t, "/admin/jobs?done=retried", t.admin)).text();
    expect(page).toContain("The job was put back on its queue");
    expect(page).not.toContain(`/admin/jobs/orders/${broken.id}/retry`);

    // A second retry (another admin, a double click) finds nothing and changes nothing.
    const again = await post(t, `/admin/jobs/orders/${broken.id}/retry`, t.admin, {});
    expect(again.headers.get("Location")).toBe("/admin/jobs?done=gone#queue-orders");
    expect(await auditRows("job.retried")).toHaveLength(1);
    expect(await t.queue.stats(ORDERS_QUEUE)).toMatchObject({ waiting: 1, dead: 1 });
    expect(await (await get(t, "/admin/jobs?done=gone", t.admin)).text())
      .toContain("no longer in the dead letters");

    // The retried job runs with fresh attempts once a consumer is there.
    const handled: [string, number][] = [];
    const consumer = await t.queue.consume(ORDERS_QUEUE, (m, attempt) => {
      handled.push([m.id, attempt]);
      return Promise.resolve();
    });
    await eventually(() => handled.length === 1);
    await consumer.stop();
    expect(handled).toEqual([[broken.id, 1]]);
  });

  it("discards a dead letter, audited", async () => {
    const res = await post(t, `/admin/jobs/users/${welcome.id}/discard`, t.admin, {});
    expect(res.headers.get("Location")).toBe("/admin/jobs?done=discarded#queue-users");
    expect((await t.queue.stats(USERS_QUEUE)).dead).toBe(0);
    expect(await t.queue.peekDeadLetters(USERS_QUEUE, 10)).toEqual([]);
    const [audit] = await auditRows("job.discarded");
    expect(audit).toMatchObject({ entityId: welcome.id, details: { queue: "users" } });
    const log = await (await get(t, "/admin/audit", t.admin)).text();
    expect(log).toContain("discarded a dead-lettered user.registered job of the users queue");
  });

  it("refuses unknown queues, other roles and cross-site posts", async () => {
    expect((await post(t, `/admin/jobs/bakery/${other.id}/retry`, t.admin, {})).status).toBe(404);
    expect((await post(t, `/admin/jobs/orders/${other.id}/bake`, t.admin, {})).status).toBe(404);
    expect((await post(t, `/admin/jobs/orders/${other.id}/retry`, t.staff, {})).status).toBe(403);
    expect((await get(t, "/admin/jobs", t.customer)).status).toBe(403);
    const crossSite = await t.app.request(`/admin/jobs/orders/${other.id}/retry`, {
      method: "POST",
      headers: { Cookie: t.admin, "Sec-Fetch-Site": "cross-site" },
    });
    expect(crossSite.status).toBe(403);
    expect((await t.queue.stats(ORDERS_QUEUE)).dead).toBe(1);
  });
});

describe("admin jobs while the queue is away", () => {
  it("says the queue cannot be reached, and changes nothing", async () => {
    const queue = await createTestQueue();
    const t = await createTestContext({ queue });
    try {
      const admin = await signIn(t, "admin");
      await queue.close();
      const page = await get(t, "/admin/jobs", admin.cookie);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("The queue cannot be reached right now.");
      const res = await post(
        t,
        `/admin/jobs/orders/${crypto.randomUUID()}/retry`,
        admin.cookie,
        {},
      );
      expect(res.status).toBe(503);
      expect(await res.text()).toContain("The job queue cannot be reached right now");
      expect(await t.sql`select 1 from audit_log where action like 'job.%'`).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});
