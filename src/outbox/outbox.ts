import type { Queryable } from "../infra/db.ts";

/** Queue names shared by the outbox writers and the worker's consumers. */
export const ORDERS_QUEUE = "orders";
export const USERS_QUEUE = "users";

/**
 * Writes an event in the caller's transaction: it is published only if that transaction
 * commits, and it is not lost if the broker is down then (the relay keeps trying).
 */
export async function enqueue(
  tx: Queryable,
  event: { queue: string; type: string; payload: Record<string, unknown> },
) {
  await tx`
    insert into outbox (message_id, queue, type, payload)
    values (${crypto.randomUUID()}, ${event.queue}, ${event.type}, ${
    tx.json(event.payload as never)
  })`;
}
