import type { Queryable } from "../infra/db.ts";
import { enqueue, USERS_QUEUE } from "../outbox/outbox.ts";
import { issueAccountToken } from "./account-tokens.ts";

/**
 * Links mailed to an account go out through the outbox: the token is made in the caller's
 * transaction and the message carries it to the worker, which mails it only if it still
 * works. Nothing is mailed from inside a request.
 */
export async function queueVerification(tx: Queryable, userId: number, email: string, now: Date) {
  const token = await issueAccountToken(tx, { userId, purpose: "verify_email", email, now });
  await enqueue(tx, {
    queue: USERS_QUEUE,
    type: "user.verification_requested",
    payload: { userId, token },
  });
}

export async function queuePasswordReset(
  tx: Queryable,
  userId: number,
  email: string,
  now: Date,
) {
  const token = await issueAccountToken(tx, { userId, purpose: "password_reset", email, now });
  await enqueue(tx, {
    queue: USERS_QUEUE,
    type: "user.password_reset_requested",
    payload: { userId, token },
  });
}
