import { type Context, Hono } from "hono";
import { type JobQueueView, JobsPage } from "../../../views/admin/jobs/jobs-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import { recordAudit } from "../../audit/record.ts";
import type { AppEnv } from "../../http/env.ts";
import { AppError, notFound } from "../../http/errors.ts";
import { viewerOf } from "../../http/viewer.ts";
import { errorFields } from "../../infra/log.ts";
import type { DeadLetter } from "../../infra/queue.ts";
import { JOB_QUEUES } from "../../jobs/names.ts";
import type { AdminDeps } from "../deps.ts";
import { auditBy, flashOf, noStore } from "../shared/form-kit.ts";
import { outboxQueues, outboxSummary } from "./queries.ts";

/** Dead letters shown per queue; the count above the list says how many there are. */
export const DEAD_LETTERS_SHOWN = 25;

const flashes = {
  retried: "The job was put back on its queue; it will be tried again now.",
  discarded: "The job was discarded.",
  gone: "That job is no longer in the dead letters: someone retried or discarded it already.",
};

const unavailable = () =>
  new AppError(
    503,
    "queue_unavailable",
    "The job queue cannot be reached right now. Nothing was changed; try again in a moment.",
  );

/**
 * The job queues for admins: per queue how many jobs wait, wait for a retry or were given up
 * (dead-lettered, with their last error); a dead letter can be retried or discarded, and
 * both are audited. The outbox's backlog shows whether events reach the queue at all.
 */
export function jobAdminRoutes({ shop, sql, queue, log, format }: AdminDeps) {
  const admin = requireRole("admin");

  const knownQueue = async (name: string) => {
    if (JOB_QUEUES.includes(name) || (await outboxQueues(sql)).includes(name)) return name;
    throw notFound("That queue");
  };

  const queueView = async (name: string): Promise<JobQueueView> => {
    try {
      // Counted first: on RabbitMQ the dead letters being looked at are held unacknowledged
      // for a moment, and a count then would leave them out.
      const stats = await queue.stats(name);
      const dead = stats.dead ? await queue.peekDeadLetters(name, DEAD_LETTERS_SHOWN) : [];
      return { name, stats, dead };
    } catch (error) {
      log.warn("jobs screen: queue not readable", { queue: name, ...errorFields(error) });
      return { name, unavailable: true, dead: [] };
    }
  };

  /** Retry or discard one dead letter; audited when it was still there. */
  const settle = (action: "retried" | "discarded") => async (c: Context<AppEnv>) => {
    const name = await knownQueue(c.req.param("queue") ?? "");
    const id = c.req.param("id") ?? "";
    if (id.length > 200) throw notFound("That job");
    let done: DeadLetter | undefined;
    try {
      done = action === "retried"
        ? await queue.retryDeadLetter(name, id)
        : await queue.discardDeadLetter(name, id);
    } catch (error) {
      log.warn("jobs screen: dead letter not settled", { queue: name, ...errorFields(error) });
      throw unavailable();
    }
    if (done) {
      await recordAudit(sql, {
        ...auditBy(c),
        action: `job.${action}`,
        entityType: "job",
        entityId: id,
        details: {
          queue: name,
          type: done.message.type,
          attempts: done.attempts,
          lastError: done.lastError,
        },
      });
    }
    return c.redirect(`/admin/jobs?done=${done ? action : "gone"}#queue-${name}`, 303);
  };

  return new Hono<AppEnv>()
    .get("/admin/jobs", admin, async (c) => {
      const names = [...new Set([...JOB_QUEUES, ...await outboxQueues(sql)])];
      const [outbox, queues] = await Promise.all([
        outboxSummary(sql),
        Promise.all(names.map(queueView)),
      ]);
      noStore(c);
      return c.html(
        <JobsPage
          shop={shop}
          viewer={viewerOf(c)}
          outbox={outbox}
          queues={queues}
          dateTime={format.dateTime}
          flash={flashOf(c, flashes)}
        />,
      );
    })
    .post("/admin/jobs/:queue/:id/retry", admin, settle("retried"))
    .post("/admin/jobs/:queue/:id/discard", admin, settle("discarded"));
}
