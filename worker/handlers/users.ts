import { z } from "zod";
import type { JobHandler } from "../../src/infra/queue.ts";
import { type NotificationRow, recordNotification } from "../../src/notify/queries.ts";
import { USERS_QUEUE } from "../../src/outbox/outbox.ts";
import { deliver, type NotifyDeps } from "./deliver.ts";
import { onceByMessageId } from "./once.ts";

const registered = z.object({ userId: z.number().int().positive() });

/** Account events: a welcome note to every new customer. */
export function usersHandler(deps: NotifyDeps): JobHandler {
  return async (message) => {
    const recorded: NotificationRow[] = [];
    await onceByMessageId(deps.sql, USERS_QUEUE, message, async (tx) => {
      if (message.type !== "user.registered") {
        throw new Error(`users cannot handle messages of type ${message.type}`);
      }
      const { userId } = registered.parse(message.payload);
      // Locked: two messages for one account greet it once, not once each.
      const [user] = await tx<{ email: string; name: string }[]>`
        select email, name from users where id = ${userId} for update`;
      if (!user) return; // deleted since: nobody to greet
      // One welcome per account, whatever a (repeated or forged) message says.
      const [greeted] = await tx`
        select 1 from notifications where user_id = ${userId} and kind = 'welcome' limit 1`;
      if (greeted) return;
      const note = await recordNotification(tx, {
        messageId: message.id,
        userId,
        kind: "welcome",
        recipient: user.email,
        subject: `Welcome to ${deps.shopName}`,
        body: `Hello ${user.name},\n\nyour account is ready. Order ahead and pick up your ` +
          `bakes warm at the counter.\n\n${deps.shopName}`,
      });
      if (note) recorded.push(note);
    });
    await deliver(deps, recorded);
  };
}
