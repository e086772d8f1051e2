import { z } from "zod";
import type { ImageStore } from "../../src/admin/products/image-store.ts";
import type { JobHandler } from "../../src/infra/queue.ts";
import {
  imagesInUse,
  recordRun,
  removeDeadAccountTokens,
  removeDeadRefreshTokens,
  removeExpiredIdempotencyKeys,
  removeOldSessions,
} from "../../src/housekeeping/queries.ts";
import { type HousekeepingJob, isHousekeepingJob } from "../../src/housekeeping/schedule.ts";
import { abandonedNotifications } from "../../src/notify/queries.ts";
import { deliver, type NotifyDeps } from "./deliver.ts";

/**
 * A notification only recorded this long ago was left by a worker that died between
 * recording and sending it (the normal path sends within seconds).
 */
export const UNSENT_AFTER_SECONDS = 5 * 60;
/** An image file younger than this may belong to a product save still in its transaction. */
export const IMAGE_GRACE_MS = 60 * 60_000;

export interface HousekeepingDeps extends NotifyDeps {
  /** Product images; absent where this process cannot see the shop's data directory. */
  images?: ImageStore;
  now?: () => Date;
}

const runMessage = z.object({ job: z.string().max(100) });

/** Each job: removes what it is for, answers what it did (kept as the job's last result). */
const jobs: Record<HousekeepingJob, (deps: HousekeepingDeps) => Promise<Record<string, number>>> = {
  "notifications.reclaim": async (deps) => {
    if (!deps.mailer) return { reclaimed: 0 }; // recorded only: nothing is ever mailed
    const left = await abandonedNotifications(deps.sql, UNSENT_AFTER_SECONDS);
    await deliver(deps, left);
    return { reclaimed: left.length };
  },
  "idempotency_keys.expire": async ({ sql }) => ({
    removed: await removeExpiredIdempotencyKeys(sql),
  }),
  "refresh_tokens.expire": async ({ sql }) => ({ removed: await removeDeadRefreshTokens(sql) }),
  "sessions.expire": async ({ sql }) => ({ removed: await removeOldSessions(sql) }),
  "account_tokens.expire": async ({ sql }) => ({ removed: await removeDeadAccountTokens(sql) }),
  "images.unused": async ({ sql, images, now = () => new Date() }) => {
    if (!images) return { removed: 0 };
    // Listed before the products are read: an image saved in between is young, so kept.
    const stored = await images.list();
    const used = await imagesInUse(sql);
    const cutoff = now().getTime() - IMAGE_GRACE_MS;
    let removed = 0;
    for (const image of stored) {
      if (used.has(image.name) || image.modifiedAt.getTime() > cutoff) continue;
      await images.remove(image.name);
      removed++;
    }
    return { removed };
  },
};

/**
 * Runs the housekeeping job a message names. Every job is safe to run twice (a redelivered
 * message removes nothing more), so no record of handled messages is kept.
 */
export function housekeepingHandler(deps: HousekeepingDeps): JobHandler {
  return async (message) => {
    if (message.type !== "housekeeping.run") {
      throw new Error(`housekeeping cannot handle messages of type ${message.type}`);
    }
    const { job } = runMessage.parse(message.payload);
    if (!isHousekeepingJob(job)) throw new Error(`there is no housekeeping job ${job}`);
    const result = await jobs[job](deps);
    await recordRun(deps.sql, job, result);
    if (Object.values(result).some((n) => n > 0)) deps.log.info("housekeeping", { job, ...result });
  };
}
