import type { Queryable } from "../../infra/db.ts";

export interface OutboxSummary {
  pending: number;
  /** Seconds the oldest unpublished event has waited; 0 when none waits. */
  oldestSeconds: number;
  /** Unpublished events the relay already tried and failed to publish. */
  failing: number;
  lastError: string | null;
}

/** The outbox's backlog: events committed with their change and not yet on the queue. */
export async function outboxSummary(sql: Queryable): Promise<OutboxSummary> {
  const [row] = await sql<OutboxSummary[]>`
    select count(*)::int as pending,
      coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as oldest_seconds,
      count(*) filter (where attempts > 0)::int as failing,
      (select last_error from outbox where published_at is null and last_error is not null
       order by id desc limit 1) as last_error
    from outbox where published_at is null`;
  return row;
}

/** Queues with events waiting to be published (a queue the screen does not know yet shows up). */
export async function outboxQueues(sql: Queryable): Promise<string[]> {
  const rows = await sql<
    { queue: string }[]
  >`select distinct queue from outbox where published_at is null order by queue`;
  return rows.map((r) => r.queue);
}
