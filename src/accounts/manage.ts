import { recordAudit } from "../audit/record.ts";
import { enqueue, USERS_QUEUE } from "../outbox/outbox.ts";
import { AppError } from "../http/errors.ts";
import { clientNetwork } from "../http/client-network.ts";
import { errorFields } from "../infra/log.ts";
import { limited, SIGNUPS } from "./brute-force.ts";
import { checkCurrentPassword } from "./current-password.ts";
import type { Authentication } from "./authenticate.ts";
import { hashPassword, passwordProblem } from "./passwords.ts";
import {
  findUserById,
  insertUser,
  openSessionIds,
  updatePasswordHash,
  updateUserDisabled,
  updateUserName,
  updateUserRole,
  type UserRow,
} from "./queries.ts";
import type { AuthUser, Role } from "./roles.ts";
import type { AccountsDeps, RequestMeta } from "./service.ts";
import { queueVerification } from "./recovery-mail.ts";

const invalid = (field: string, message: string) =>
  new AppError(400, "validation_failed", message, { [field]: message });

/** Creating accounts and changing them: names, passwords, roles, disabling. */
export function createAccountManagement(deps: AccountsDeps, auth: Authentication) {
  const { sql, now, log, closeStreams, limiter, passwordChecks } = deps;
  /** argon2 work for a request, through the bounded queue under the client's network. */
  const argon2 = <T>(meta: RequestMeta, work: () => Promise<T>) =>
    passwordChecks.run(clientNetwork(meta.ip), work);

  return {
    /**
     * Counts a sign-up from this client's network (page and API): past the limit, 429.
     * Each sign-up costs a hash and can ask whether an email has an account.
     */
    async admitSignUp(meta: RequestMeta) {
      const state = await limiter.hit(SIGNUPS, clientNetwork(meta.ip));
      if (!state.allowed) {
        throw limited(
          state,
          SIGNUPS,
          (wait) => `Too many new accounts from your network. Try again in ${wait}.`,
        );
      }
    },

    async register(
      input: { email: string; password: string; name: string },
      meta: RequestMeta,
      role: Role = "customer",
      /** The shop vouches for the address (an account made from the command line). */
      { emailVerified = false }: { emailVerified?: boolean } = {},
    ): Promise<UserRow> {
      const problem = passwordProblem(input.password, input);
      if (problem) throw invalid("password", problem);
      const passwordHash = await argon2(meta, () => hashPassword(input.password));
      return await sql.begin(async (tx) => {
        const user = await insertUser(tx, { ...input, passwordHash, role, emailVerified });
        if (!user) {
          throw invalid("email", "An account with this email already exists. Sign in instead?");
        }
        await recordAudit(tx, {
          actorId: user.id,
          action: "account.registered",
          entityType: "user",
          entityId: user.id,
          details: { role },
          ...meta,
        });
        // The worker greets the new customer once the account exists for sure.
        await enqueue(tx, {
          queue: USERS_QUEUE,
          type: "user.registered",
          payload: { userId: user.id },
        });
        // And mails the link that proves the address (needed before the first order).
        if (!emailVerified) await queueVerification(tx, user.id, user.email, now());
        return user;
      });
    },

    async changeName(user: AuthUser, name: string, meta: RequestMeta) {
      await sql.begin(async (tx) => {
        await updateUserName(tx, user.id, name);
        await recordAudit(tx, {
          actorId: user.id,
          action: "account.name_changed",
          entityType: "user",
          entityId: user.id,
          ...meta,
        });
      });
      await auth.forgetUser(user.id);
    },

    /** New password after checking the current one; every other session ends at once. */
    async changePassword(
      user: AuthUser,
      input: { currentPassword: string; newPassword: string },
      meta: RequestMeta,
    ) {
      // A stolen session must not become a way to guess the password it would change.
      const row = await checkCurrentPassword(deps, user, input.currentPassword, meta);
      const problem = passwordProblem(input.newPassword, row);
      if (problem) throw invalid("newPassword", problem);
      if (input.newPassword === input.currentPassword) {
        throw invalid("newPassword", "Choose a password different from the current one.");
      }
      await sql.begin(async (tx) => {
        await updatePasswordHash(
          tx,
          user.id,
          await argon2(meta, () => hashPassword(input.newPassword)),
          now(),
        );
        await recordAudit(tx, {
          actorId: user.id,
          action: "account.password_changed",
          entityType: "user",
          entityId: user.id,
          ...meta,
        });
      });
      await auth.endAllSessions(user.id, "password changed");
    },

    async setRole(actor: AuthUser, userId: number, role: Role, meta: RequestMeta) {
      if (actor.id === userId && role !== "admin") {
        throw new AppError(409, "own_role", "You cannot remove your own admin role.");
      }
      const previous = await sql.begin(async (tx) => {
        const previous = await updateUserRole(tx, userId, role);
        if (previous === null) throw new AppError(404, "not_found", "That user does not exist.");
        await recordAudit(tx, {
          actorId: actor.id,
          action: "user.role_changed",
          entityType: "user",
          entityId: userId,
          details: { from: previous, to: role },
          ...meta,
        });
        return previous;
      });
      await auth.forgetUser(userId);
      // Open streams were authorised for the old role: they close, and a page reopens its
      // stream only if the new role may see it (a demoted cook's board stops at once).
      if (previous !== role) {
        await openSessionIds(sql, userId)
          .then((ids) => closeStreams?.(ids))
          .catch((error) =>
            log.warn("live streams not closed after a role change", errorFields(error))
          );
      }
      return previous;
    },

    async setDisabled(actor: AuthUser, userId: number, disabled: boolean, meta: RequestMeta) {
      if (actor.id === userId && disabled) {
        throw new AppError(409, "own_account", "You cannot disable your own account.");
      }
      await sql.begin(async (tx) => {
        if (!await findUserById(tx, userId)) {
          throw new AppError(404, "not_found", "That user does not exist.");
        }
        await updateUserDisabled(tx, userId, disabled, now());
        await recordAudit(tx, {
          actorId: actor.id,
          action: disabled ? "user.disabled" : "user.enabled",
          entityType: "user",
          entityId: userId,
          ...meta,
        });
      });
      if (disabled) await auth.endAllSessions(userId, "account disabled");
      else await auth.forgetUser(userId);
    },
  };
}

export type AccountManagement = ReturnType<typeof createAccountManagement>;
