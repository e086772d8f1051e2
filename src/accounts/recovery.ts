import { recordAudit } from "../audit/record.ts";
import { AppError } from "../http/errors.ts";
import { clientNetwork } from "../http/client-network.ts";
import type { Limit } from "../http/rate-limit.ts";
import { lockAccountToken, markTokenUsed, type TokenPurpose } from "./account-tokens.ts";
import type { Authentication } from "./authenticate.ts";
import { limited } from "./brute-force.ts";
import { checkCurrentPassword } from "./current-password.ts";
import { hashPassword, passwordProblem } from "./passwords.ts";
import { findUserByEmail, findUserById, updatePasswordHash } from "./queries.ts";
import { queuePasswordReset, queueVerification } from "./recovery-mail.ts";
import type { AuthUser } from "./roles.ts";
import type { AccountsDeps, RequestMeta } from "./service.ts";

const HOUR = 60 * 60_000;
/** Reset links asked for one address in any hour (whether or not it has an account). */
export const RESETS_PER_ADDRESS: Limit = {
  bucket: "reset-email",
  limit: 3,
  windowMs: HOUR,
  slices: 12,
};
/** Reset links asked for from one network in any hour. */
export const RESETS_PER_NETWORK: Limit = {
  bucket: "reset-net",
  limit: 10,
  windowMs: HOUR,
  slices: 12,
};
/** Verification links one account may have mailed in any hour. */
export const VERIFICATION_MAILS: Limit = {
  bucket: "verify-mail",
  limit: 5,
  windowMs: HOUR,
  slices: 12,
};

export interface AccountStatus {
  verified: boolean;
  pendingEmail: string | null;
}

const invalid = (field: string, message: string) =>
  new AppError(400, "validation_failed", message, { [field]: message });

/** Forgotten passwords, proof of an email address and changing it. */
export function createRecovery(deps: AccountsDeps, auth: Authentication) {
  const { sql, limiter, passwordChecks, now } = deps;
  const argon2 = <T>(meta: RequestMeta, work: () => Promise<T>) =>
    passwordChecks.run(clientNetwork(meta.ip), work);

  const admit = async (rule: Limit, who: string, message: (wait: string) => string) => {
    const state = await limiter.hit(rule, who);
    if (!state.allowed) throw limited(state, rule, message);
  };

  return {
    /** Whether the address is proven, and a new one waiting for its link to be opened. */
    async status(userId: number): Promise<AccountStatus> {
      const [row] = await sql<AccountStatus[]>`
        select u.email_verified_at is not null as verified,
          (select t.email from account_tokens t
            where t.user_id = u.id and t.purpose = 'verify_email' and t.used_at is null
              and t.expires_at > ${now()} and lower(t.email) <> lower(u.email)
            order by t.created_at desc limit 1) as pending_email
        from users u where u.id = ${userId}`;
      return row ?? { verified: false, pendingEmail: null };
    },

    /** Whether a link works (without using it), and the address it was sent to. */
    checkLink: (token: string, purpose: TokenPurpose) =>
      sql.begin((tx) => lockAccountToken(tx, token, purpose, now())),

    /**
     * Mails a reset link when the address has an account, and answers the same either way
     * (the caller says "if there is an account, a link is on its way"). Limited per network
     * and per address, counted the same for addresses with and without an account.
     */
    async requestReset(email: string, meta: RequestMeta) {
      const wait = (w: string) => `Too many reset requests. Try again in ${w}.`;
      await admit(RESETS_PER_NETWORK, clientNetwork(meta.ip), wait);
      await admit(RESETS_PER_ADDRESS, email.trim().toLowerCase(), wait);
      const user = await findUserByEmail(sql, email.trim());
      if (!user || user.disabled) return;
      await sql.begin(async (tx) => {
        await queuePasswordReset(tx, user.id, user.email, now());
        await recordAudit(tx, {
          actorId: user.id,
          action: "account.reset_requested",
          entityType: "user",
          entityId: user.id,
          ...meta,
        });
      });
    },

    /**
     * A new password from a reset link. The link works once, for an hour, and not after a
     * newer link or a password change; every session of the account ends. Following it also
     * proves the address it was mailed to.
     */
    async resetPassword(input: { token: string; password: string }, meta: RequestMeta) {
      // Checked before the slow hash, and again under the lock before anything is written.
      const peek = await sql.begin((tx) =>
        lockAccountToken(tx, input.token, "password_reset", now())
      );
      const user = await findUserById(sql, peek.userId);
      if (!user || user.disabled) {
        throw new AppError(400, "token_invalid", "This link is not valid.");
      }
      const problem = passwordProblem(input.password, user);
      if (problem) throw invalid("password", problem);
      const passwordHash = await argon2(meta, () => hashPassword(input.password));
      await sql.begin(async (tx) => {
        const token = await lockAccountToken(tx, input.token, "password_reset", now());
        await markTokenUsed(tx, token.hash, now());
        await updatePasswordHash(tx, user.id, passwordHash, now());
        await tx`
          update users set email_verified_at = coalesce(email_verified_at, now())
          where id = ${user.id} and lower(email) = lower(${token.email})`;
        await recordAudit(tx, {
          actorId: user.id,
          action: "account.password_reset",
          entityType: "user",
          entityId: user.id,
          ...meta,
        });
      });
      await auth.endAllSessions(user.id, "password reset");
      return user;
    },

    /** Mails a new link proving the account's current address. */
    async resendVerification(user: AuthUser, meta: RequestMeta) {
      const row = await findUserById(sql, user.id);
      if (row?.emailVerifiedAt) {
        throw new AppError(409, "already_verified", "Your email address is already confirmed.");
      }
      await admit(
        VERIFICATION_MAILS,
        `user:${user.id}`,
        (w) => `We sent several links already. Try again in ${w}.`,
      );
      await sql.begin(async (tx) => {
        await queueVerification(tx, user.id, user.email, now());
        await recordAudit(tx, {
          actorId: user.id,
          action: "account.verification_sent",
          entityType: "user",
          entityId: user.id,
          details: { email: user.email },
          ...meta,
        });
      });
    },

    /**
     * A new address, after the current password: a link goes to it, and it replaces the old
     * one only when that link is followed. Until then the old address stays in use.
     */
    async requestEmailChange(
      user: AuthUser,
      input: { email: string; password: string },
      meta: RequestMeta,
    ) {
      const email = input.email.trim();
      if (email.toLowerCase() === user.email.toLowerCase()) {
        throw invalid("email", "That is already your email address.");
      }
      await checkCurrentPassword(deps, user, input.password, meta, "password");
      const taken = await findUserByEmail(sql, email);
      if (taken) throw invalid("email", "Another account uses this email address.");
      await admit(
        VERIFICATION_MAILS,
        `user:${user.id}`,
        (w) => `We sent several links already. Try again in ${w}.`,
      );
      await sql.begin(async (tx) => {
        await queueVerification(tx, user.id, email, now());
        await recordAudit(tx, {
          actorId: user.id,
          action: "account.email_change_requested",
          entityType: "user",
          entityId: user.id,
          details: { to: email },
          ...meta,
        });
      });
    },

    /**
     * Follows a verification link: the address it was sent to is proven, and becomes the
     * account's address if it was a new one. A link for another account than the one signed
     * in is refused (it would confirm someone else's address in this browser).
     */
    async verifyEmail(token: string, meta: RequestMeta, viewer?: AuthUser) {
      const result = await sql.begin(async (tx) => {
        const taken = await lockAccountToken(tx, token, "verify_email", now());
        if (viewer && viewer.id !== taken.userId) {
          throw new AppError(
            403,
            "token_foreign",
            "This link belongs to another account. Sign out first, or open it where that account is signed in.",
          );
        }
        const [clash] = await tx`
          select 1 from users where lower(email) = lower(${taken.email}) and id <> ${taken.userId}`;
        if (clash) {
          throw new AppError(
            409,
            "email_taken",
            "Another account started using this address in the meantime; it cannot be yours too.",
          );
        }
        const [before] = await tx<{ email: string }[]>`
          select email from users where id = ${taken.userId} and deleted_at is null for update`;
        if (!before) throw new AppError(400, "token_invalid", "This link is not valid.");
        await tx`
          update users set email = ${taken.email}, email_verified_at = ${now()}, updated_at = now()
          where id = ${taken.userId}`;
        await markTokenUsed(tx, taken.hash, now());
        const changed = before.email.toLowerCase() !== taken.email.toLowerCase();
        await recordAudit(tx, {
          actorId: taken.userId,
          action: changed ? "account.email_changed" : "account.email_verified",
          entityType: "user",
          entityId: taken.userId,
          details: changed ? { from: before.email, to: taken.email } : { email: taken.email },
          ...meta,
        });
        return { userId: taken.userId, email: taken.email, changed };
      });
      await auth.forgetUser(result.userId);
      return result;
    },
  };
}

export type Recovery = ReturnType<typeof createRecovery>;
