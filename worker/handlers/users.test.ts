import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertUser } from "../../src/accounts/queries.ts";
import { newMessage } from "../../src/infra/queue.ts";
import { USERS_QUEUE } from "../../src/outbox/outbox.ts";
import { createTestContext, eventually, type TestContext, uniqueId } from "../../tests/harness.ts";
import { startConsumers, stopConsumers, type WorkerDeps, workerDeps } from "./index.ts";
import { usersHandler } from "./users.ts";

/** Account events: a welcome note for each new customer, written once. */

let t: TestContext;
let deps: WorkerDeps;

beforeAll(async () => {
  t = await createTestContext();
  deps = workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log });
});
afterAll(async () => {
  await t?.close();
});

const createCustomer = async (name = "Grace Crumb") => {
  const email = `new-${uniqueId()}@example.test`;
  const user = await insertUser(t.sql, { email, name, passwordHash: "not-a-real-hash" });
  return { id: user!.id, email, name };
};

const notesOf = (userId: number) =>
  t.sql<{ messageId: string; kind: string; recipient: string; subject: string; body: string }[]>`
    select message_id, kind, recipient, subject, body from notifications
    where user_id = ${userId} order by id`;

describe("user events", () => {
  it("welcomes a registered user once, however often the message arrives", async () => {
    const user = await createCustomer();
    const handle = usersHandler(deps);
    const registered = newMessage("user.registered", { userId: user.id });
    await handle(registered, 1);
    await handle(structuredClone(registered), 2);
    await Promise.all([handle(registered, 3), handle(structuredClone(registered), 3)]);

    const notes = await notesOf(user.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      messageId: registered.id,
      kind: "welcome",
      recipient: user.email,
      subject: `Welcome to ${t.deps.config.shopName}`,
    });
    expect(notes[0].body).toContain(`Hello ${user.name}`);
    expect(notes[0].body).toContain(t.deps.config.shopName);
  });

  it("welcomes an account once even when other messages name it (forged or repeated)", async () => {
    const user = await createCustomer();
    const handle = usersHandler(deps);
    const first = newMessage("user.registered", { userId: user.id });
    const others = [1, 2, 3].map(() =>
      newMessage("user.registered", { userId: user.id, name: "Someone Else" })
    );
    await Promise.all([first, ...others].map((message) => handle(message, 1)));
    const notes = await notesOf(user.id);
    expect(notes).toHaveLength(1);
    expect(notes[0].body).toContain(`Hello ${user.name}`);
    expect(notes[0].body).not.toContain("Someone Else");
  });

  it("warns about failed sign-ins only when the audit log saw them", async () => {
    const user = await createCustomer("Wary Baker");
    const handle = usersHandler(deps);
    // A message claiming failures that never happened sends nothing.
    await handle(newMessage("user.signin_failures", { userId: user.id, count: 500 }), 1);
    expect(await notesOf(user.id)).toEqual([]);
    for (let i = 0; i < 5; i++) {
      await t.sql`
        insert into audit_log (actor_id, action, entity_type, entity_id, ip)
        values (${user.id}, 'auth.signin_failed', 'user', ${String(user.id)}, '198.51.100.9')`;
    }
    await handle(newMessage("user.signin_failures", { userId: user.id }), 1);
    await handle(newMessage("user.signin_failures", { userId: user.id }), 1);
    const notes = await notesOf(user.id);
    expect(notes.map((n) => n.kind)).toEqual(["signin_warning"]);
    expect(notes[0].body).toContain("in the last hour we saw 5 sign-ins with a wrong password.");
  });

  it("greets nobody for a user deleted since, and does not retry that", async () => {
    const user = await createCustomer();
    await t.sql`delete from users where id = ${user.id}`;
    const registered = newMessage("user.registered", { userId: user.id });
    await usersHandler(deps)(registered, 1);
    expect(await t.sql`select 1 from notifications where message_id = ${registered.id}`)
      .toHaveLength(0);
    expect(await t.sql`select 1 from processed_messages where message_id = ${registered.id}`)
      .toHaveLength(1);
  });

  it("throws on a message it does not understand, keeping it retryable", async () => {
    const user = await createCustomer();
    const handle = usersHandler(deps);
    const unknown = newMessage("user.sneezed", { userId: user.id });
    await expect(handle(unknown, 1)).rejects.toThrow(
      /cannot handle messages of type user\.sneezed/,
    );
    const invalid = newMessage("user.registered", { userId: "someone" });
    await expect(handle(invalid, 1)).rejects.toThrow();
    expect(
      await t
        .sql`select 1 from processed_messages where message_id in (${unknown.id}, ${invalid.id})`,
    ).toHaveLength(0);
    expect(await notesOf(user.id)).toHaveLength(0);
  });

  it("welcomes through the queue when the consumers run", async () => {
    const consumers = await startConsumers(deps);
    try {
      const user = await createCustomer("Alan Loaf");
      const registered = newMessage("user.registered", { userId: user.id });
      await t.queue.publish(USERS_QUEUE, registered);
      const notes = await eventually(async () => {
        const found = await notesOf(user.id);
        return found.length ? found : null;
      });
      expect(notes!.map((n) => [n.kind, n.messageId])).toEqual([["welcome", registered.id]]);
    } finally {
      await stopConsumers(consumers);
    }
    expect(await t.queue.takeDeadLetters(USERS_QUEUE, 10)).toEqual([]);
  });

  it("welcomes a customer who registered through the API, once the relay and consumers run", async () => {
    const consumers = await startConsumers(deps);
    try {
      const email = `api-${uniqueId()}@example.test`;
      const res = await t.app.request("/api/v1/auth/register", {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": "users-test" },
        body: JSON.stringify({ email, password: "crumbs-on-the-counter", name: "Ida Api" }),
      }, { remoteAddr: { hostname: "198.51.100.7", port: 1, transport: "tcp" } });
      expect(res.status).toBe(201);
      const { user } = (await res.json()) as { user: { id: number } };
      // Registering does not wake the relay: it publishes on its next round.
      t.services.relay.start();
      // The address's confirmation mail is a notification of its own, from its own event:
      // either may be written first.
      const notes = await eventually(async () => {
        const found = (await notesOf(user.id)).filter((n) => n.kind === "welcome");
        return found.length ? found : null;
      });
      expect(notes!.map((n) => [n.kind, n.recipient])).toEqual([["welcome", email]]);
      const [event] = await t.sql<{ messageId: string }[]>`
        select message_id from outbox
        where type = 'user.registered' and payload ->> 'userId' = ${String(user.id)}`;
      expect(notes![0].messageId).toBe(event.messageId);
    } finally {
      await t.services.relay.stop();
      await stopConsumers(consumers);
    }
  });
});
