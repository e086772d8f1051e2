import type { Sql } from "../infra/db.ts";
import { errorFields, type Logger } from "../infra/log.ts";
import type { Queue } from "../infra/queue.ts";

interface OutboxRow {
  id: number;
  messageId: string;
  queue: string;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

const LEASE_SECONDS = 30;
const AFTER_COMMIT_DELAY_MS = 5;
const BATCH = 100;

/**
 * Publishes outbox rows to the queue with publisher confirms, oldest first, and marks them
 * published. Rows are claimed with a short lease in their own transaction (no transaction
 * stays open while the broker is asked), so several instances can relay side by side. When
 * the broker is away the relay backs off and tries again; nothing is dropped. A crash
 * between publishing and marking publishes a row twice: consumers ignore repeated ids.
 */
export function createOutboxRelay(
  { sql, queue, log, pollMs = 1000, maxBackoffMs = 30_000 }: {
    sql: Sql;
    queue: Queue;
    log: Logger;
    pollMs?: number;
    maxBackoffMs?: number;
  },
) {
  let draining: Promise<void> | null = null;
  let again = false;
  let failures = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const claim = () =>
    sql<OutboxRow[]>`
      update outbox set claimed_until = now() + ${LEASE_SECONDS} * interval '1 second'
      where id in (
        select id from outbox
        where published_at is null and (claimed_until is null or claimed_until < now())
        order by id limit ${BATCH}
        for update skip locked
      )
      returning id, message_id, queue, type, payload, created_at`;

  /** Marks rows published, all in one statement (a rush of orders makes batches). */
  const markPublished = async (ids: number[]) => {
    if (ids.length === 0) return;
    await sql`
      update outbox set published_at = now(), attempts = attempts + 1, claimed_until = null
      where id = any(${ids}::bigint[])`;
  };

  /** Publishes what is pending; false when the broker refused (try again later). */
  const publishPending = async (): Promise<boolean> => {
    while (!stopped) {
      const rows = (await claim()).sort((a, b) => a.id - b.id);
      if (rows.length === 0) return true;
      const published: number[] = [];
      for (const [index, row] of rows.entries()) {
        try {
          await queue.publish(row.queue, {
            id: row.messageId,
            type: row.type,
            payload: row.payload,
            createdAt: row.createdAt.toISOString(),
          });
          published.push(row.id);
        } catch (error) {
          await markPublished(published);
          // Keep the order: release this row and the rest of the batch for the next try.
          const rest = rows.slice(index).map((r) => r.id);
          await sql`
            update outbox set claimed_until = null,
              attempts = attempts + case when id = ${row.id} then 1 else 0 end,
              last_error = case when id = ${row.id} then ${(error as Error).message}
                           else last_error end
            where id = any(${rest}::bigint[])`;
          if (failures === 0) {
            log.warn("outbox: the queue refused a message; will retry", errorFields(error));
          }
          return false;
        }
      }
      await markPublished(published);
    }
    return true;
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void kick(), ms);
    if (typeof Deno !== "undefined") Deno.unrefTimer(timer as unknown as number);
  };

  /** Starts publishing now; safe to call often. */
  function kick(): Promise<void> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      try {
        do {
          again = false;
          const ok = await publishPending();
          if (!ok) {
            failures++;
            schedule(Math.min(500 * 2 ** (failures - 1), maxBackoffMs));
            return;
          }
          if (failures > 0) log.info("outbox: publishing again", { after: failures });
          failures = 0;
        } while (again && !stopped);
        schedule(pollMs);
      } catch (error) {
        failures++;
        log.error("outbox relay failed", errorFields(error));
        schedule(Math.min(500 * 2 ** (failures - 1), maxBackoffMs));
      } finally {
        draining = null;
      }
    })();
    return draining;
  }

  /**
   * Publishes soon (after a commit that wrote to the outbox): a checkout's event waits a few
   * milliseconds, so the orders of a rush share one claim and one mark, not two statements
   * each on the connection checkouts use.
   */
  let soon: Promise<void> | undefined;
  const afterCommit = (): Promise<void> => {
    soon ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        soon = undefined;
        resolve(kick());
      }, AFTER_COMMIT_DELAY_MS);
      if (typeof Deno !== "undefined") Deno.unrefTimer(timer as unknown as number);
    });
    return soon;
  };

  return {
    kick,
    afterCommit,
    start() {
      stopped = false;
      void kick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await draining;
    },
  };
}

export type OutboxRelay = ReturnType<typeof createOutboxRelay>;
