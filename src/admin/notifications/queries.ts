import type { Queryable } from "../../infra/db.ts";

/** The notifications the worker recorded and sent, as the admin screen lists them. */

export const notificationStatuses = ["recorded", "sending", "sent", "failed"] as const;
export type NotificationStatus = typeof notificationStatuses[number];

export interface AdminNotification {
  id: number;
  kind: string;
  channel: string;
  recipient: string;
  subject: string;
  body: string;
  status: NotificationStatus;
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
  orderId: number | null;
  orderCode: string | null;
}

export interface NotificationFilters {
  status?: NotificationStatus;
  kind?: string;
}

const matching = (sql: Queryable, f: NotificationFilters) =>
  sql`
    where true
    ${f.status ? sql`and n.status = ${f.status}` : sql``}
    ${f.kind ? sql`and n.kind = ${f.kind}` : sql``}`;

/** One page, newest first, and how many match in all. */
export async function listNotifications(
  sql: Queryable,
  filters: NotificationFilters,
  page: { limit: number; offset: number },
): Promise<{ rows: AdminNotification[]; total: number }> {
  const [{ total }] = await sql<{ total: number }[]>`
    select count(*)::int as total from notifications n ${matching(sql, filters)}`;
  const rows = total === 0 ? [] : await sql<AdminNotification[]>`
    select n.id::int, n.kind, n.channel, n.recipient, n.subject, n.body, n.status, n.error,
      n.created_at, n.sent_at, n.order_id, o.code as order_code
    from notifications n left join orders o on o.id = n.order_id
    ${matching(sql, filters)}
    order by n.created_at desc, n.id desc
    limit ${page.limit} offset ${page.offset}`;
  return { rows, total };
}

/** The kinds that occur, for the filter's choices. */
export async function notificationKinds(sql: Queryable): Promise<string[]> {
  const rows = await sql<{ kind: string }[]>`
    select distinct kind from notifications order by kind`;
  return rows.map((r) => r.kind);
}
