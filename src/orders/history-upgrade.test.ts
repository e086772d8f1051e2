import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../tests/harness.ts";
import type { Database } from "../infra/db.ts";
import { loadMigrations, migrate } from "../infra/migrations.ts";

/**
 * Upgrading a shop whose order events carried their claims: changes the worker already
 * handled stay announced, those whose event it has not handled yet are announced when the
 * event arrives (once, from the history).
 */
describe("the status history on upgrade", () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.sql.unsafe("drop schema public cascade; create schema public");
  });
  afterAll(() => db?.close());

  it("marks handled changes announced and leaves waiting ones for their event", async () => {
    const sql = db.sql;
    const all = await loadMigrations();
    const upgrade = all.findIndex((m) => m.name.endsWith("_security_resilience.sql"));
    expect(upgrade).toBeGreaterThan(0);
    await migrate(sql, all.slice(0, upgrade));

    const [user] = await sql<{ id: number }[]>`
      insert into users (email, name, password_hash) values ('old@example.com', 'Old', 'x')
      returning id`;
    const order = async (code: string) => {
      const [row] = await sql<{ id: number }[]>`
        insert into orders (code, code_day, user_id, pickup_at, subtotal_cents, total_cents,
          currency)
        values (${code}, '2026-01-05', ${user.id}, now(), 100, 100, 'EUR') returning id`;
      return row.id;
    };
    /** A change in its own transaction, with its event, as the old code wrote it. */
    const change = async (orderId: number, from: string | null, to: string, handled: boolean) => {
      const messageId = crypto.randomUUID();
      await sql.begin(async (tx) => {
        await tx`
          insert into order_status_history (order_id, from_status, to_status)
          values (${orderId}, ${from}, ${to})`;
        await tx`
          insert into outbox (message_id, queue, type, payload, published_at)
          values (${messageId}, 'orders', 'order.status_changed',
            ${tx.json({ orderId, from, to, actorId: 1, reason: null })}, now())`;
      });
      if (handled) {
        await sql`insert into processed_messages (message_id, queue) values (${messageId}, 'orders')`;
      }
    };
    const done = await order("A-001");
    await change(done, null, "placed", true);
    await change(done, "placed", "baking", true);
    const waiting = await order("A-002");
    await change(waiting, null, "placed", true);
    await change(waiting, "placed", "baking", false);

    await migrate(sql, all);
    const rows = await sql<{ orderId: number; toStatus: string; announced: boolean }[]>`
      select order_id, to_status, announced_at is not null as announced
      from order_status_history order by id`;
    expect(rows).toEqual([
      { orderId: done, toStatus: "placed", announced: true },
      { orderId: done, toStatus: "baking", announced: true },
      { orderId: waiting, toStatus: "placed", announced: true },
      { orderId: waiting, toStatus: "baking", announced: false },
    ]);
  });
});
