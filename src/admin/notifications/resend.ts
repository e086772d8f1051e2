import type { AuthUser } from "../../accounts/roles.ts";
import type { RequestMeta } from "../../accounts/service.ts";
import { recordAudit } from "../../audit/record.ts";
import { AppError } from "../../http/errors.ts";
import type { Sql } from "../../infra/db.ts";
import { enqueue, USERS_QUEUE } from "../../outbox/outbox.ts";

/**
 * Asks the worker to mail a notification again (the answer never waits on the mail server);
 * the row shows the new outcome when the worker has tried.
 */
export async function resendNotification(
  sql: Sql,
  actor: AuthUser,
  id: number,
  meta: RequestMeta,
) {
  await sql.begin(async (tx) => {
    const [n] = await tx<{ userId: number; subject: string; recipient: string }[]>`
      select user_id, subject, recipient from notifications where id = ${id}`;
    if (!n) throw new AppError(404, "not_found", "That notification does not exist.");
    await enqueue(tx, {
      queue: USERS_QUEUE,
      type: "notification.resend",
      payload: { userId: n.userId, notificationId: id },
    });
    await recordAudit(tx, {
      actorId: actor.id,
      action: "notification.resent",
      entityType: "notification",
      entityId: id,
      details: { subject: n.subject, recipient: n.recipient },
      ...meta,
    });
  });
}
