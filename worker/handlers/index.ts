import type { Config } from "../../src/config.ts";
import type { Sql } from "../../src/infra/db.ts";
import type { Logger } from "../../src/infra/log.ts";
import type { Consumer, Queue } from "../../src/infra/queue.ts";
import { createMailer } from "../../src/notify/mailer.ts";
import { createShopFormat } from "../../src/shop/format.ts";
import { ANALYTICS_QUEUE, HOUSEKEEPING_QUEUE } from "../../src/jobs/names.ts";
import { createImageStore, type ImageStore } from "../../src/admin/products/image-store.ts";
import { housekeepingHandler } from "./housekeeping.ts";
import { ORDERS_QUEUE, USERS_QUEUE } from "../../src/outbox/outbox.ts";
import { analyticsHandler } from "./analytics.ts";
import type { NotifyDeps } from "./deliver.ts";
import { ordersHandler } from "./orders.ts";
import { usersHandler } from "./users.ts";

export type WorkerDeps = NotifyDeps & { queue: Queue; images?: ImageStore };

/** What the handlers need, from the config and the open infrastructure. */
export function workerDeps(
  config: Config,
  parts: { sql: Sql; queue: Queue; log: Logger },
): WorkerDeps {
  const format = createShopFormat(config);
  return {
    ...parts,
    mailer: createMailer(config.smtpUrl, config.mailFrom),
    shopName: config.shopName,
    siteUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    money: format.money,
    dateTime: format.dateTime,
    invitationSecret: config.sessionSecret,
    timeZone: config.timeZone,
    images: createImageStore(config.dataDir),
  };
}

/** Attaches every job consumer: in the worker process, or in the app on embedded parts. */
export async function startConsumers(deps: WorkerDeps): Promise<Consumer[]> {
  return [
    await deps.queue.consume(ANALYTICS_QUEUE, analyticsHandler(deps.sql), { prefetch: 20 }),
    await deps.queue.consume(ORDERS_QUEUE, ordersHandler(deps), { prefetch: 10 }),
    await deps.queue.consume(USERS_QUEUE, usersHandler(deps), { prefetch: 10 }),
    await deps.queue.consume(HOUSEKEEPING_QUEUE, housekeepingHandler(deps), { prefetch: 1 }),
  ];
}

export async function stopConsumers(consumers: Consumer[]) {
  await Promise.allSettled(consumers.map((c) => c.stop()));
}
