import { ORDERS_QUEUE, USERS_QUEUE } from "../outbox/outbox.ts";

/** Queue names shared by publishers in the app and consumers in the worker. */
export const ANALYTICS_QUEUE = "analytics";
/** Scheduled clean-ups (see src/housekeeping). */
export const HOUSEKEEPING_QUEUE = "housekeeping";

/** Every queue the worker consumes (the jobs screen shows each). */
export const JOB_QUEUES: readonly string[] = [
  ORDERS_QUEUE,
  USERS_QUEUE,
  ANALYTICS_QUEUE,
  HOUSEKEEPING_QUEUE,
];
