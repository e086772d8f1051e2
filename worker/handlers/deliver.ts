import type { Sql } from "../../src/infra/db.ts";
import { errorFields, type Logger } from "../../src/infra/log.ts";
import type { Mailer } from "../../src/notify/mailer.ts";
import {
  claimNotification,
  markNotification,
  type NotificationRow,
} from "../../src/notify/queries.ts";

export interface NotifyDeps {
  sql: Sql;
  mailer: Mailer | null;
  log: Logger;
  shopName: string;
  /** Where the shop's pages are, for links in mails. */
  siteUrl: string;
  money: (cents: number) => string;
  dateTime: (at: Date) => string;
  /** Derives invitation links, as the app does. */
  invitationSecret: string;
  /** The shop's zone: a pickup's local date (that day's hours); rollups cut in its days. */
  timeZone: string;
}

/** One notification's Message-ID, the same on every attempt (see Mail.messageId). */
export const notificationMessageId = (n: Pick<NotificationRow, "id">, siteUrl: string) =>
  `<notification-${n.id}@${new URL(siteUrl).hostname || "crumb.invalid"}>`;

/**
 * Mails recorded notifications when SMTP is configured; the outcome is written back. Each is
 * claimed first (status "sending", with a deadline): a second worker leaves it alone, and if
 * this one dies before writing the outcome the sweeper takes it again once the claim runs
 * out (see housekeeping).
 */
export async function deliver(deps: NotifyDeps, notifications: Pick<NotificationRow, "id">[]) {
  if (!deps.mailer) return;
  for (const { id } of notifications) {
    const n = await claimNotification(deps.sql, id);
    if (!n) continue; // sent, or another worker holds it
    await sendClaimed(deps, n);
  }
}

/** Sends a notification this worker holds the claim of, and records how it went. */
export async function sendClaimed(deps: NotifyDeps, n: NotificationRow) {
  try {
    await deps.mailer!.send({
      to: n.recipient,
      subject: n.subject,
      text: n.body,
      messageId: notificationMessageId(n, deps.siteUrl),
    });
    await markNotification(deps.sql, n.id, { sent: true });
  } catch (error) {
    deps.log.warn("notification not mailed", { notificationId: n.id, ...errorFields(error) });
    await markNotification(deps.sql, n.id, { sent: false, error: (error as Error).message });
  }
}
