import { mkdtemp, readdir, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImageStore } from "../../src/admin/products/image-store.ts";
import { insertUser } from "../../src/accounts/queries.ts";
import { newMessage } from "../../src/infra/queue.ts";
import { createRecordingMailer } from "../../src/notify/mailer.ts";
import { claimNotification, recordNotification } from "../../src/notify/queries.ts";
import { enqueueDueJobs, HOUSEKEEPING_JOBS } from "../../src/housekeeping/schedule.ts";
import { createTestContext, eventually, type TestContext, uniqueId } from "../../tests/harness.ts";
import { housekeepingHandler } from "./housekeeping.ts";
import { notificationMessageId } from "./deliver.ts";
import { startConsumers, stopConsumers, workerDeps } from "./index.ts";
import { file, PNG_1PX } from "../../tests/image-fixtures.ts";

/** Scheduled clean-ups: what each removes and keeps, and mails a dead worker left behind. */

let t: TestContext;
let userId: number;
beforeAll(async () => {
  t = await createTestContext({ seed: true });
  const user = await insertUser(t.sql, {
    email: `house-${uniqueId()}@example.com`,
    name: "Hugo House",
    passwordHash: "x",
  });
  userId = user!.id;
});
afterAll(() => t?.close());

const deps = () => workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log });
const run = (job: string, extra: Partial<ReturnType<typeof deps>> = {}) =>
  housekeepingHandler({ ...deps(), ...extra })(newMessage("housekeeping.run", { job }), 1);

const ago = (sql: string) => t.sql`now() - ${sql}::interval`;

describe("the schedule", () => {
  it("enqueues each due job once however many instances tick, then waits its period", async () => {
    const [a, b] = await Promise.all([enqueueDueJobs(t.sql), enqueueDueJobs(t.sql)]);
    expect([...a, ...b].sort()).toEqual(Object.keys(HOUSEKEEPING_JOBS).sort());
    expect(await enqueueDueJobs(t.sql)).toEqual([]);
    const events = await t.sql<{ job: string }[]>`
      select payload ->> 'job' as job from outbox where queue = 'housekeeping'`;
    expect(events.map((e) => e.job).sort()).toEqual(Object.keys(HOUSEKEEPING_JOBS).sort());
    // Due again once its period passed.
    await t.sql`
      update housekeeping_schedule set next_run_at = now() - interval '1 second'
      where job = 'idempotency_keys.expire'`;
    expect(await enqueueDueJobs(t.sql)).toEqual(["idempotency_keys.expire"]);
  });
});

describe("the clean-ups, through the queue", () => {
  it("remove what expired and keep what may still be used", async () => {
    const session = async (created: string, expires: string, revoked?: string) => {
      const id = crypto.randomUUID();
      await t.sql`
        insert into sessions (id, user_id, created_at, expires_at, revoked_at)
        values (${id}, ${userId}, ${ago(created)}, ${ago(expires)},
                ${revoked ? ago(revoked) : null})`;
      return id;
    };
    const token = async (sessionId: string, expires: string) => {
      const hash = `h-${uniqueId()}`;
      await t.sql`
        insert into refresh_tokens (token_hash, session_id, expires_at)
        values (${hash}, ${sessionId}, ${ago(expires)})`;
      return hash;
    };
    const oldSession = await session("100 days", "70 days");
    const live = await session("1 day", "-29 days");
    const ended = await session("3 days", "-27 days", "2 days");
    const tokens = {
      ofOldSession: await token(oldSession, "70 days"),
      expired: await token(live, "1 minute"),
      live: await token(live, "-29 days"),
      ofEndedSession: await token(ended, "-27 days"),
    };
    await t.sql`
      insert into idempotency_keys (user_id, key, request_hash, created_at)
      values (${userId}, 'old', 'h', ${ago("25 hours")}), (${userId}, 'new', 'h', now())`;
    await t.sql`
      insert into account_tokens (token_hash, user_id, purpose, email, expires_at, used_at)
      values ('a-expired', ${userId}, 'password_reset', 'x@y.z', ${ago("2 days")}, null),
             ('a-used', ${userId}, 'verify_email', 'x@y.z', now() + interval '1 day',
              ${ago("2 days")}),
             ('a-just-expired', ${userId}, 'password_reset', 'x@y.z', ${ago("1 hour")}, null),
             ('a-live', ${userId}, 'verify_email', 'x@y.z', now() + interval '1 day', null)`;

    await t.sql`update housekeeping_schedule set next_run_at = now() - interval '1 second'`;
    const consumers = await startConsumers(deps());
    t.services.relay.start();
    try {
      const [{ started }] = await t.sql<{ started: Date }[]>`select now() as started`;
      await enqueueDueJobs(t.sql);
      await eventually(async () => {
        const [{ ran }] = await t.sql<{ ran: number }[]>`
          select count(*)::int as ran from housekeeping_schedule where last_run_at >= ${started}`;
        return ran === Object.keys(HOUSEKEEPING_JOBS).length;
      }, { timeoutMs: 15_000, intervalMs: 50 });
    } finally {
      await t.services.relay.stop();
      await stopConsumers(consumers);
    }
    const sessions = await t.sql<{ id: string }[]>`
      select id from sessions where user_id = ${userId}`;
    expect(sessions.map((s) => s.id).sort()).toEqual([live, ended].sort());
    const left = await t.sql<{ tokenHash: string }[]>`
      select token_hash from refresh_tokens where token_hash = any(${Object.values(tokens)})`;
    expect(left.map((r) => r.tokenHash)).toEqual([tokens.live]);
    const keys = await t.sql<{ key: string }[]>`
      select key from idempotency_keys where user_id = ${userId}`;
    expect(keys.map((k) => k.key)).toEqual(["new"]);
    const links = await t.sql<{ tokenHash: string }[]>`
      select token_hash from account_tokens where user_id = ${userId} order by token_hash`;
    expect(links.map((l) => l.tokenHash)).toEqual(["a-just-expired", "a-live"]);
    const [result] = await t.sql<{ lastResult: Record<string, number> }[]>`
      select last_result from housekeeping_schedule where job = 'sessions.expire'`;
    // Each run's outcome is kept (the earlier test's runs were relayed too: this is the last).
    expect(result.lastResult).toEqual({ removed: expect.any(Number) });
  });

  it("removes image files no product uses, once they are old enough", async () => {
    const dir = await mkdtemp(join(tmpdir(), "crumb-images-"));
    try {
      const images = createImageStore(dir);
      const save = () => images.save(file(PNG_1PX, "p.png", "image/png"), "png");
      const [used, archived, unused, young] = [
        await save(),
        await save(),
        await save(),
        await save(),
      ];
      const [a, b] = await t.sql<{ id: number }[]>`select id from products order by id limit 2`;
      await t.sql`update products set image_path = ${`/uploads/${used}`} where id = ${a.id}`;
      await t.sql`
        update products set image_path = ${`/uploads/${archived}`}, active = false
        where id = ${b.id}`;
      const old = new Date(Date.now() - 2 * 60 * 60_000);
      // Every file of those images: the original kept aside and the variants served.
      for (const name of [used, archived, unused]) {
        const id = name.slice(0, 36);
        for (const folder of ["uploads", "originals"]) {
          for (const file of await readdir(join(dir, folder))) {
            if (file.startsWith(id)) await utimes(join(dir, folder, file), old, old);
          }
        }
      }
      await run("images.unused", { images });
      const left = (await images.list()).map((i) => i.name).sort();
      expect(left).toEqual([used, archived, young].sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("notifications a dead worker left", () => {
  const note = async () =>
    (await recordNotification(t.sql, {
      messageId: crypto.randomUUID(),
      userId,
      kind: "welcome",
      recipient: "hugo@example.com",
      subject: `Welcome ${uniqueId()}`,
      body: "Hello Hugo",
    }))!;
  const state = async (id: number) =>
    (await t.sql<{ status: string; attempts: number }[]>`
      select status, attempts from notifications where id = ${id}`)[0];
  const siteUrl = () => deps().siteUrl;

  it("sends once what was mailed but not recorded as sent (a crash between the two)", async () => {
    const mailer = createRecordingMailer();
    const n = await note();
    // The worker claimed it and the mail went out; then it died before writing "sent". The
    // claim is given as already run out (-1 s): the time a dead worker's claim takes.
    const claimed = (await claimNotification(t.sql, n.id, -1))!;
    await mailer.send({
      to: claimed.recipient,
      subject: claimed.subject,
      text: claimed.body,
      messageId: notificationMessageId(claimed, siteUrl()),
    });
    expect(await state(n.id)).toEqual({ status: "sending", attempts: 1 });
    await run("notifications.reclaim", { mailer });
    await run("notifications.reclaim", { mailer });
    expect(mailer.sent.filter((m) => m.subject === n.subject)).toHaveLength(1);
    expect(await state(n.id)).toEqual({ status: "sent", attempts: 2 });
  });

  it("sends once what was claimed and never sent, or recorded and never taken up", async () => {
    const mailer = createRecordingMailer();
    const claimedOnly = await note();
    await claimNotification(t.sql, claimedOnly.id, -1);
    const recordedOnly = await note();
    const fresh = await note();
    const held = await note();
    await claimNotification(t.sql, held.id); // a live worker is sending it right now
    await t.sql`
      update notifications set created_at = now() - interval '10 minutes'
      where id = any(${[recordedOnly.id, held.id]})`;
    await run("notifications.reclaim", { mailer });
    await run("notifications.reclaim", { mailer });
    const subjects = mailer.sent.map((m) => m.subject);
    expect(subjects.filter((s) => s === claimedOnly.subject)).toHaveLength(1);
    expect(subjects.filter((s) => s === recordedOnly.subject)).toHaveLength(1);
    // A fresh one is the normal path's to send, a held one its sender's.
    expect(subjects).not.toContain(fresh.subject);
    expect(subjects).not.toContain(held.subject);
    expect(await state(held.id)).toEqual({ status: "sending", attempts: 1 });
    expect(await state(fresh.id)).toEqual({ status: "recorded", attempts: 0 });
  });

  it("leaves recorded notifications alone where nothing is mailed (no SMTP)", async () => {
    const n = await note();
    await t.sql`update notifications set created_at = now() - interval '1 hour' where id = ${n.id}`;
    await run("notifications.reclaim", { mailer: null });
    expect(await state(n.id)).toEqual({ status: "recorded", attempts: 0 });
  });
});

describe("a message it does not know", () => {
  it("throws, keeping it for the dead letters", async () => {
    await expect(run("everything.delete")).rejects.toThrow(/no housekeeping job/);
    const handler = housekeepingHandler(deps());
    await expect(handler(newMessage("housekeeping.sneeze", {}), 1)).rejects.toThrow();
  });
});
