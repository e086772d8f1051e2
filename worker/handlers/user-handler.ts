import type { Tx } from "../../src/infra/db.ts";
import type { JobMessage } from "../../src/infra/queue.ts";
import type { NotificationRow } from "../../src/notify/queries.ts";
import type { NotifyDeps } from "./deliver.ts";

/** One kind of account event: the notification it records, or null when none is due. */
export type Handler = (
  tx: Tx,
  deps: NotifyDeps,
  message: JobMessage,
  user: { id: number; email: string; name: string },
) => Promise<NotificationRow | null>;
