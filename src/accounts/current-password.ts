import { recordAudit } from "../audit/record.ts";
import { enqueue, USERS_QUEUE } from "../outbox/outbox.ts";
import { AppError } from "../http/errors.ts";
import { clientNetwork } from "../http/client-network.ts";
import { limited, PASSWORD_CHECK_FAILURES } from "./brute-force.ts";
import { verifyPassword } from "./passwords.ts";
import { findUserById, type UserRow } from "./queries.ts";
import type { AuthUser } from "./roles.ts";
import type { AccountsDeps, RequestMeta } from "./service.ts";

/**
 * Asks for the current password before a change that a stolen session must not make on its
 * own (a new password, a new email address, deleting the account). Wrong answers count
 * against the account, so such a form is no way to guess the password; past the limit the
 * owner is warned by mail. `field` names the form field a wrong answer is shown on.
 */
export async function checkCurrentPassword(
  { sql, limiter, passwordChecks }: Pick<AccountsDeps, "sql" | "limiter" | "passwordChecks">,
  user: AuthUser,
  password: string,
  meta: RequestMeta,
  field = "currentPassword",
): Promise<UserRow> {
  const key = `user:${user.id}`;
  const check = await limiter.hitUndoable(PASSWORD_CHECK_FAILURES, key);
  if (!check.state.allowed) {
    throw limited(
      check.state,
      PASSWORD_CHECK_FAILURES,
      (wait) => `Too many wrong current passwords. Try again in ${wait}.`,
    );
  }
  const row = await findUserById(sql, user.id);
  let right = false;
  try {
    right = !!row && await passwordChecks.run(
      clientNetwork(meta.ip),
      () => verifyPassword(row.passwordHash, password),
    );
  } catch (error) {
    await check.undo();
    throw error;
  }
  if (!right || !row) {
    await sql.begin(async (tx) => {
      await recordAudit(tx, {
        actorId: user.id,
        action: "account.password_check_failed",
        entityType: "user",
        entityId: user.id,
        ...meta,
      });
      if (check.state.count === PASSWORD_CHECK_FAILURES.limit) {
        await enqueue(tx, {
          queue: USERS_QUEUE,
          type: "user.signin_failures",
          payload: { userId: user.id },
        });
      }
    });
    const message = "That is not your current password.";
    throw new AppError(400, "validation_failed", message, { [field]: message });
  }
  await limiter.reset(PASSWORD_CHECK_FAILURES, key);
  return row;
}
