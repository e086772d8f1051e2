import type { Sql } from "../../src/infra/db.ts";
import type { Consumer, Queue } from "../../src/infra/queue.ts";
import { ANALYTICS_QUEUE } from "../../src/jobs/names.ts";
import { analyticsHandler } from "./analytics.ts";

/** Attaches every job consumer: in the worker process, or in the app on embedded parts. */
export async function startConsumers(deps: { sql: Sql; queue: Queue }): Promise<Consumer[]> {
  return [
    await deps.queue.consume(ANALYTICS_QUEUE, analyticsHandler(deps.sql), { prefetch: 20 }),
  ];
}

export async function stopConsumers(consumers: Consumer[]) {
  await Promise.allSettled(consumers.map((c) => c.stop()));
}
