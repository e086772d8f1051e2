import { z } from "zod";
import type { JobHandler } from "../../src/infra/queue.ts";
import { type NotificationRow, recordNotification } from "../../src/notify/queries.ts";
import { USERS_QUEUE } from "../../src/outbox/outbox.ts";
import { ACCOUNT_FAILURES, PASSWORD_CHECK_FAILURES } from "../../src/accounts/brute-force.ts";
import { accountLinkHandlers } from "./account-links.ts";
import { deliver, type NotifyDeps } from "./deliver.ts";
import { onceByMessageId } from "./once.ts";
import { invitationMail } from "./invitation-mail.ts";
import { resendNotification } from "./resend.ts";
import type { Handler } from "./user-handler.ts";

/** Account events name the account; what happened is read from the database. */
const aboutUser = z.object({ userId: z.number().int().positive().max(2_147_483_647) });

/** A warning about failed sign-ins goes out at most this often per account. */
const WARNING_EVERY = "12 hours";

/**
 * Account events: a welcome note to every new customer, the links that prove an address or
 * reset a password, an invitation's link to invited staff and admins, and a warning to an
 * account's owner when its password is being guessed.
 */
export function usersHandler(deps: NotifyDeps): JobHandler {
  return async (message) => {
    const recorded: NotificationRow[] = [];
    await onceByMessageId(deps.sql, USERS_QUEUE, message, async (tx) => {
      const handle = handlers[message.type];
      if (!handle) throw new Error(`users cannot handle messages of type ${message.type}`);
      const { userId } = aboutUser.parse(message.payload);
      // Locked: two messages for one account write one note, not one each.
      const [user] = await tx<{ email: string; name: string }[]>`
        select email, name from users where id = ${userId} for update`;
      if (!user) return; // deleted since: nobody to tell
      const note = await handle(tx, deps, message, { id: userId, ...user });
      if (note) recorded.push(note);
    });
    await deliver(deps, recorded);
  };
}

const handlers: Record<string, Handler> = {
  "user.invited": invitationMail,
  "notification.resend": resendNotification,
  ...accountLinkHandlers,

  "user.registered": async (tx, deps, message, user) => {
    // One welcome per account, whatever a (repeated or forged) message says.
    const [greeted] = await tx`
      select 1 from notifications where user_id = ${user.id} and kind = 'welcome' limit 1`;
    if (greeted) return null;
    return await recordNotification(tx, {
      messageId: message.id,
      userId: user.id,
      kind: "welcome",
      recipient: user.email,
      subject: `Welcome to ${deps.shopName}`,
      body: `Hello ${user.name},\n\nyour account is ready. Order ahead and pick up your ` +
        `bakes warm at the counter.\n\n${deps.shopName}`,
    });
  },

  "user.signin_failures": async (tx, deps, message, user) => {
    // What the audit log recorded in the last hour: a message claiming failures that did not
    // happen sends nothing.
    const [seen] = await tx<{ signIns: number; checks: number; addresses: number }[]>`
      select count(*) filter (where action = 'auth.signin_failed')::int as sign_ins,
             count(*) filter (where action = 'account.password_check_failed')::int as checks,
             count(distinct ip)::int as addresses
      from audit_log
      where actor_id = ${user.id} and at > now() - interval '1 hour'
        and action in ('auth.signin_failed', 'account.password_check_failed')`;
    const guessed = seen.signIns >= ACCOUNT_FAILURES.limit ||
      seen.checks >= PASSWORD_CHECK_FAILURES.limit;
    if (!guessed) return null;
    const [told] = await tx`
      select 1 from notifications
      where user_id = ${user.id} and kind = 'signin_warning'
        and created_at > now() - ${WARNING_EVERY}::interval
      limit 1`;
    if (told) return null;
    const what = [
      seen.signIns
        ? `${seen.signIns} sign-in${seen.signIns === 1 ? "" : "s"} with a wrong password`
        : "",
      seen.checks
        ? `${seen.checks} wrong current password${seen.checks === 1 ? "" : "s"} on the ` +
          "password-change form"
        : "",
    ].filter(Boolean).join(" and ");
    const from = seen.addresses > 1 ? ` from ${seen.addresses} different addresses` : "";
    return await recordNotification(tx, {
      messageId: message.id,
      userId: user.id,
      kind: "signin_warning",
      recipient: user.email,
      subject: `Someone is trying to sign in to your ${deps.shopName} account`,
      body: `Hello ${user.name},\n\nin the last hour we saw ${what}${from}.\n\n` +
        `If that was you, there is nothing to do. If not: we are slowing these attempts ` +
        `down, and the devices you usually sign in on still work as before. If you use ` +
        `this password anywhere else, or it is easy to guess, change it on your account ` +
        `page.\n\n${deps.shopName}`,
    });
  },
};
