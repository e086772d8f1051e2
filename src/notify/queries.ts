import type { Queryable } from "../infra/db.ts";

export interface NotificationRow {
  id: number;
  userId: number;
  orderId: number | null;
  kind: string;
  channel: string;
  recipient: string;
  subject: string;
  body: string;
  status: "recorded" | "sent" | "failed";
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

const columns = (sql: Queryable) =>
  sql`id, user_id, order_id, kind, channel, recipient, subject, body, status, error, created_at,
      sent_at`;

/** Records a notification once per causing message; null when it was recorded before. */
export async function recordNotification(
  sql: Queryable,
  n: {
    messageId: string;
    userId: number;
    orderId?: number | null;
    kind: string;
    recipient: string;
    subject: string;
    body: string;
  },
): Promise<NotificationRow | null> {
  const [row] = await sql<NotificationRow[]>`
    insert into notifications (message_id, user_id, order_id, kind, recipient, subject, body)
    values (${n.messageId}, ${n.userId}, ${n.orderId ?? null}, ${n.kind}, ${n.recipient},
            ${n.subject}, ${n.body})
    on conflict (message_id, kind) do nothing
    returning ${columns(sql)}`;
  return row ?? null;
}

export async function markNotification(
  sql: Queryable,
  id: number,
  outcome: { sent: true } | { sent: false; error: string },
) {
  if (outcome.sent) {
    await sql`update notifications set status = 'sent', sent_at = now(), error = null where id = ${id}`;
  } else {
    await sql`update notifications set status = 'failed', error = ${outcome.error} where id = ${id}`;
  }
}

/** A customer's notifications, newest first. */
export async function notificationsOfUser(sql: Queryable, userId: number, limit = 20) {
  return await sql<NotificationRow[]>`
    select ${columns(sql)} from notifications where user_id = ${userId}
    order by created_at desc, id desc limit ${limit}`;
}
