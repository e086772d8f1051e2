import { recordAudit } from "../audit/record.ts";
import { AppError } from "../http/errors.ts";
import { errorFields } from "../infra/log.ts";
import type { Authentication } from "./authenticate.ts";
import { checkCurrentPassword } from "./current-password.ts";
import { accountExport, eraseAccount, lockErasureTarget } from "./erasure-queries.ts";
import { openSessionIds } from "./queries.ts";
import type { AuthUser } from "./roles.ts";
import type { AccountsDeps, RequestMeta } from "./service.ts";

/** A customer's data to take away, and deleting an account (by its owner or an admin). */
export function createErasure(deps: AccountsDeps, auth: Authentication) {
  const { sql, now, log } = deps;

  async function erase(actor: AuthUser, userId: number, meta: RequestMeta) {
    const self = actor.id === userId;
    await sql.begin(async (tx) => {
      const target = await lockErasureTarget(tx, userId);
      if (!target) throw new AppError(404, "not_found", "That account does not exist.");
      if (target.openOrders > 0) {
        throw new AppError(
          409,
          "open_orders",
          self
            ? "You have orders waiting to be baked or picked up. Delete the account once they are picked up or cancelled."
            : "This customer has orders waiting to be baked or picked up. Delete the account once they are picked up or cancelled.",
        );
      }
      if (target.role === "admin" && target.otherAdmins === 0) {
        throw new AppError(409, "last_admin", "The shop's only admin account cannot be deleted.");
      }
      await eraseAccount(tx, userId, now());
      // The record of the deletion says who asked; for a deletion by its owner, not from where.
      await recordAudit(tx, {
        actorId: self ? null : actor.id,
        action: "account.deleted",
        entityType: "user",
        entityId: userId,
        details: { by: self ? "owner" : "admin" },
        ...(self ? {} : meta),
      });
    });
    // Sessions end at once on every instance; their rows (addresses, browsers) go too.
    const ids = await openSessionIds(sql, userId);
    await auth.endAllSessions(userId, "account deleted");
    await deps.closeStreams?.(ids).catch((error) =>
      log.warn("live streams not closed after a deletion", errorFields(error))
    );
    await sql`delete from sessions where user_id = ${userId}`;
  }

  return {
    /**
     * The account's data as one JSON document, for its owner or an admin acting on the
     * owner's request (audited); 404 for an unknown or deleted account.
     */
    async exportData(actor: AuthUser, userId: number, meta: RequestMeta) {
      const data = await accountExport(sql, userId);
      if (!data) throw new AppError(404, "not_found", "That account does not exist.");
      await recordAudit(sql, {
        actorId: actor.id,
        action: "account.exported",
        entityType: "user",
        entityId: userId,
        details: { by: actor.id === userId ? "owner" : "admin" },
        ...meta,
      });
      return { exportedAt: now().toISOString(), ...data };
    },

    /** The owner deletes their account after giving their password again. */
    async deleteOwn(user: AuthUser, password: string, meta: RequestMeta) {
      await checkCurrentPassword(deps, user, password, meta, "password");
      await erase(user, user.id, meta);
    },

    /** An admin deletes an account on its owner's request (never their own from here). */
    async deleteForCustomer(admin: AuthUser, userId: number, meta: RequestMeta) {
      if (admin.id === userId) {
        throw new AppError(
          409,
          "own_account",
          "Delete your own account from your account page.",
        );
      }
      await erase(admin, userId, meta);
    },
  };
}

export type Erasure = ReturnType<typeof createErasure>;
