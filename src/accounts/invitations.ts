import { recordAudit } from "../audit/record.ts";
import { AppError } from "../http/errors.ts";
import { clientNetwork } from "../http/client-network.ts";
import { randomToken } from "../infra/digest.ts";
import type { Tx } from "../infra/db.ts";
import { enqueue, USERS_QUEUE } from "../outbox/outbox.ts";
import {
  findInvitation,
  findInvitationByHash,
  insertInvitation,
  type InvitationRow,
  pendingInvitee,
  takeInvitation,
  withdrawOpenInvitation,
} from "./invitation-queries.ts";
import {
  INVITATION_HOURS,
  invitationPath,
  invitationToken,
  invitationTokenHash,
} from "./invitation-token.ts";
import { hashPassword, passwordProblem } from "./passwords.ts";
import { findUserByEmail, findUserById, insertUser, updatePasswordHash } from "./queries.ts";
import type { AuthUser, Role } from "./roles.ts";
import type { AccountsDeps, RequestMeta } from "./service.ts";

/** Who may be invited: the counter and the office; customers sign up themselves. */
export type InvitedRole = Exclude<Role, "customer">;

const closedWords: Record<Exclude<InvitationRow["state"], "open">, string> = {
  accepted: "This invitation was already used. Sign in with the password you chose.",
  expired: "This invitation has expired. Ask the shop for a new one.",
  withdrawn: "This invitation was withdrawn. Ask the shop for a new one.",
};

/**
 * Inviting staff and admins by email: the account is made with a password nobody knows, the
 * worker mails the link (outbox → users queue → notifications), and the link sets the
 * password once before it expires.
 */
export function createInvitations(
  { sql, passwordChecks, now }: Pick<AccountsDeps, "sql" | "passwordChecks" | "now">,
  secret: string,
) {
  const argon2 = <T>(meta: RequestMeta, work: () => Promise<T>) =>
    passwordChecks.run(clientNetwork(meta.ip), work);

  /** A new open invitation for the account, in the caller's transaction, mailed after commit. */
  const issue = async (
    tx: Tx,
    actor: AuthUser,
    userId: number,
  ) => {
    await withdrawOpenInvitation(tx, userId);
    const salt = randomToken(24);
    const tokenHash = await invitationTokenHash(invitationToken(secret, salt));
    const invitationId = await insertInvitation(tx, {
      userId,
      salt,
      tokenHash,
      invitedBy: actor.id,
      hours: INVITATION_HOURS,
    });
    await enqueue(tx, {
      queue: USERS_QUEUE,
      type: "user.invited",
      payload: { userId, invitationId },
    });
    return invitationId;
  };

  return {
    /** The page an invitation's link opens, for showing it to an admin when mail is off. */
    pathOf: (invitation: { salt: string }) =>
      invitationPath(invitationToken(secret, invitation.salt)),

    async invite(
      actor: AuthUser,
      input: { email: string; name: string; role: InvitedRole },
      meta: RequestMeta,
    ): Promise<{ userId: number; invitationId: number }> {
      // Nobody knows this password: the account cannot be signed into until the link is used.
      const unknowable = await argon2(meta, () => hashPassword(randomToken(32)));
      return await sql.begin(async (tx) => {
        const existing = await findUserByEmail(tx, input.email);
        if (existing && !await pendingInvitee(tx, existing.id)) {
          const message = "An account with this email already exists: change its role on its page.";
          throw new AppError(409, "account_exists", message, { email: message }, undefined, {
            userId: existing.id,
          });
        }
        let userId = existing?.id;
        if (existing) {
          await tx`
            update users set name = ${input.name}, role = ${input.role}, updated_at = now()
            where id = ${existing.id}`;
        } else {
          const user = await insertUser(tx, { ...input, passwordHash: unknowable });
          if (!user) throw new AppError(409, "account_exists", "That email was just taken.");
          userId = user.id;
        }
        const invitationId = await issue(tx, actor, userId!);
        await recordAudit(tx, {
          actorId: actor.id,
          action: existing ? "user.reinvited" : "user.invited",
          entityType: "user",
          entityId: userId,
          details: { role: input.role, email: input.email },
          ...meta,
        });
        return { userId: userId!, invitationId };
      });
    },

    /** A new link for someone who has not accepted yet (the old link stops working). */
    async reinvite(actor: AuthUser, userId: number, meta: RequestMeta) {
      return await sql.begin(async (tx) => {
        const user = await findUserById(tx, userId);
        if (!user) throw new AppError(404, "not_found", "That user does not exist.");
        if (!await pendingInvitee(tx, userId)) {
          throw new AppError(409, "not_invited", `${user.name} has already accepted.`);
        }
        const invitationId = await issue(tx, actor, userId);
        await recordAudit(tx, {
          actorId: actor.id,
          action: "user.reinvited",
          entityType: "user",
          entityId: userId,
          details: { role: user.role, email: user.email },
          ...meta,
        });
        return invitationId;
      });
    },

    /** The open link stops working; the account stays, unusable, until invited again. */
    async withdraw(actor: AuthUser, userId: number, meta: RequestMeta) {
      await sql.begin(async (tx) => {
        if (!await withdrawOpenInvitation(tx, userId)) {
          throw new AppError(409, "no_open_invitation", "There is no open invitation to withdraw.");
        }
        await recordAudit(tx, {
          actorId: actor.id,
          action: "user.invitation_withdrawn",
          entityType: "user",
          entityId: userId,
          ...meta,
        });
      });
    },

    /** The invitation a link names, whatever its state; null for a link that was never ours. */
    async lookup(token: string): Promise<InvitationRow | null> {
      if (!/^[\w-]{20,100}$/.test(token)) return null;
      return await findInvitationByHash(sql, await invitationTokenHash(token));
    },

    /** Why this invitation cannot be used, in words; null when it is open. */
    problem: (invitation: InvitationRow) =>
      invitation.state === "open"
        ? (invitation.disabled ? closedWords.withdrawn : null)
        : closedWords[invitation.state],

    /** Sets the invited person's password and name; the link is spent. */
    async accept(
      invitation: InvitationRow,
      input: { name: string; password: string },
      meta: RequestMeta,
    ) {
      const problem = passwordProblem(input.password, { email: invitation.email, ...input });
      if (problem) {
        throw new AppError(422, "validation_failed", problem, { password: problem });
      }
      const passwordHash = await argon2(meta, () => hashPassword(input.password));
      return await sql.begin(async (tx) => {
        const current = await findInvitation(tx, invitation.id);
        const refusal = current &&
          (current.state === "open" && !current.disabled
            ? null
            : closedWords[current.state === "open" ? "withdrawn" : current.state]);
        if (!current || refusal || !await takeInvitation(tx, invitation.id)) {
          throw new AppError(410, "invitation_closed", refusal ?? closedWords.accepted);
        }
        await updatePasswordHash(tx, current.userId, passwordHash, now());
        await tx`update users set name = ${input.name} where id = ${current.userId}`;
        await recordAudit(tx, {
          actorId: current.userId,
          action: "account.invitation_accepted",
          entityType: "user",
          entityId: current.userId,
          details: { role: current.role },
          ...meta,
        });
        return (await findUserById(tx, current.userId))!;
      });
    },
  };
}

export type Invitations = ReturnType<typeof createInvitations>;
