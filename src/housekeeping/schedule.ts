import type { Sql } from "../infra/db.ts";
import { errorFields, type Logger } from "../infra/log.ts";
import { HOUSEKEEPING_QUEUE } from "../jobs/names.ts";
import { enqueue } from "../outbox/outbox.ts";

/** The clean-ups and how often each runs. */
export const HOUSEKEEPING_JOBS = {
  /** Mails a dead worker left half-sent or unsent. */
  "notifications.reclaim": 60,
  "idempotency_keys.expire": 60 * 60,
  "refresh_tokens.expire": 60 * 60,
  "sessions.expire": 6 * 60 * 60,
  "account_tokens.expire": 60 * 60,
  "images.unused": 24 * 60 * 60,
} as const satisfies Record<string, number>;

export type HousekeepingJob = keyof typeof HOUSEKEEPING_JOBS;

export const isHousekeepingJob = (name: unknown): name is HousekeepingJob =>
  typeof name === "string" && Object.hasOwn(HOUSEKEEPING_JOBS, name);

/**
 * Puts the jobs that are due on the queue, through the outbox. The conditional update of a
 * job's next run is the lock: with several instances ticking, one of them enqueues each run.
 */
export async function enqueueDueJobs(sql: Sql): Promise<HousekeepingJob[]> {
  return await sql.begin(async (tx) => {
    const jobs = Object.entries(HOUSEKEEPING_JOBS);
    for (const [job] of jobs) {
      await tx`insert into housekeeping_schedule (job) values (${job}) on conflict do nothing`;
    }
    const due: HousekeepingJob[] = [];
    for (const [job, seconds] of jobs) {
      const [taken] = await tx`
        update housekeeping_schedule set next_run_at = now() + ${seconds} * interval '1 second'
        where job = ${job} and next_run_at <= now()
        returning job`;
      if (!taken) continue;
      await enqueue(tx, { queue: HOUSEKEEPING_QUEUE, type: "housekeeping.run", payload: { job } });
      due.push(job as HousekeepingJob);
    }
    return due;
  });
}

/** Checks for due jobs every `tickMs` (and at once); the outbox relay publishes them. */
export function startHousekeepingSchedule(
  { sql, log, tickMs = 30_000, afterEnqueue }: {
    sql: Sql;
    log: Logger;
    tickMs?: number;
    /** Wakes the relay so the runs go out now rather than at its next poll. */
    afterEnqueue?: () => void;
  },
) {
  let stopped = false;
  let running: Promise<void> | null = null;
  const tick = () => {
    if (stopped || running) return;
    running = enqueueDueJobs(sql)
      .then((due) => {
        if (due.length) afterEnqueue?.();
      })
      .catch((error) => log.warn("housekeeping: could not schedule", errorFields(error)))
      .finally(() => (running = null));
  };
  const timer = setInterval(tick, tickMs);
  if (typeof Deno !== "undefined") Deno.unrefTimer(timer as unknown as number);
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
