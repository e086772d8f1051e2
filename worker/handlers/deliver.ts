import type { Sql } from "../../src/infra/db.ts";
import { errorFields, type Logger } from "../../src/infra/log.ts";
import type { Mailer } from "../../src/notify/mailer.ts";
import { markNotification, type NotificationRow } from "../../src/notify/queries.ts";

export interface NotifyDeps {
  sql: Sql;
  mailer: Mailer | null;
  log: Logger;
  shopName: string;
  money: (cents: number) => string;
  dateTime: (at: Date) => string;
  /** The shop's address for links in mails (PUBLIC_URL, or this host in development). */
  publicUrl: string;
  /** Derives invitation links, as the app does. */
  invitationSecret: string;
}

/** Mails recorded notifications when SMTP is configured; the outcome is written back. */
export async function deliver(deps: NotifyDeps, notifications: NotificationRow[]) {
  if (!deps.mailer) return;
  for (const n of notifications) {
    try {
      await deps.mailer.send({ to: n.recipient, subject: n.subject, text: n.body });
      await markNotification(deps.sql, n.id, { sent: true });
    } catch (error) {
      deps.log.warn("notification not mailed", { notificationId: n.id, ...errorFields(error) });
      await markNotification(deps.sql, n.id, { sent: false, error: (error as Error).message });
    }
  }
}
