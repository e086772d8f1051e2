import { z } from "zod";
import type { NotificationRow } from "../../src/notify/queries.ts";
import type { Handler } from "./user-handler.ts";

const aboutNotification = z.object({
  notificationId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

/**
 * An admin's "send again": the same notification, mailed once more to its recipient. Only a
 * notification of the account the message names, and not one a worker is mailing right now;
 * its row records the new outcome.
 */
export const resendNotification: Handler = async (tx, _deps, message, user) => {
  const { notificationId } = aboutNotification.parse(message.payload);
  const [row] = await tx<NotificationRow[]>`
    update notifications
    set status = 'recorded', error = null, sent_at = null, claimed_until = null
    where id = ${notificationId} and user_id = ${user.id} and status <> 'sending'
    returning id, user_id, order_id, kind, channel, recipient, subject, body, status, error,
      created_at, sent_at`;
  return row ?? null;
};
