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
  status: "recorded" | "sending" | "sent" | "failed";
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
    -- Either rule: one per message and kind, and one per order and kind.
    on conflict do nothing
    returning ${columns(sql)}`;
  return row ?? null;
}

/**
 * How long a worker may take to mail one notification before another may take it over: well
 * past the SMTP timeouts (15 s per step), so a slow send is never taken over while it runs.
 */
export const SEND_CLAIM_SECONDS = 120;

/**
 * Takes a notification for sending: one that was only recorded, or one whose sender's claim
 * ran out (it died mid-send). Null when it is sent, failed, or held by another worker.
 */
export async function claimNotification(
  sql: Queryable,
  id: number,
  claimSeconds = SEND_CLAIM_SECONDS,
): Promise<NotificationRow | null> {
  const [row] = await sql<NotificationRow[]>`
    update notifications set status = 'sending', attempts = attempts + 1,
      claimed_until = now() + ${claimSeconds} * interval '1 second'
    where id = ${id}
      and (status = 'recorded' or (status = 'sending' and claimed_until < now()))
    returning ${columns(sql)}`;
  return row ?? null;
}

/**
 * Notifications a dead worker left: recorded but never taken up for longer than `olderThan`
 * seconds (it died between recording and sending), or claimed by a sender whose claim ran
 * out (it died mid-send).
 */
export async function abandonedNotifications(
  sql: Queryable,
  olderThanSeconds: number,
  limit = 100,
) {
  return await sql<{ id: number }[]>`
    select id from notifications
    where (status = 'recorded' and created_at < now() - ${olderThanSeconds} * interval '1 second')
       or (status = 'sending' and claimed_until < now())
    order by created_at, id limit ${limit}`;
}

export async function markNotification(
  sql: Queryable,
  id: number,
  outcome: { sent: true } | { sent: false; error: string },
) {
  if (outcome.sent) {
    await sql`
      update notifications set status = 'sent', sent_at = now(), error = null, claimed_until = null
      where id = ${id}`;
  } else {
    await sql`
      update notifications set status = 'failed', error = ${outcome.error}, claimed_until = null
      where id = ${id}`;
  }
}

/** A customer's notifications, newest first. */
export async function notificationsOfUser(sql: Queryable, userId: number, limit = 20) {
  return await sql<NotificationRow[]>`
    select ${columns(sql)} from notifications where user_id = ${userId}
    order by created_at desc, id desc limit ${limit}`;
}
