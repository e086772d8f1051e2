import { recordAudit } from "../audit/record.ts";
import { loadAuthState, revokeSession, revokeUserSessions } from "./queries.ts";
import type { AuthUser, Role } from "./roles.ts";
import { type AccountsDeps, authKeys, type RequestMeta } from "./service.ts";
import { ACCESS_TOKEN_SECONDS, TokenError } from "./tokens.ts";

interface CachedState {
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  /** Tokens issued before this instant (ms) are refused. */
  validAfter: number;
}

const STATE_TTL_MS = 5 * 60_000;
const ACCESS_MS = ACCESS_TOKEN_SECONDS * 1000;

/**
 * Access tokens are checked against the live state of their user and session, not only
 * their signature: sign-out, a disabled account, a new password or a stolen refresh token
 * end them at once. The fast path is one store round trip; when the store is down the
 * database decides.
 */
export function createAuthentication(
  { sql, store, tokens, log, now, closeStreams }: AccountsDeps,
) {
  const loadState = async (userId: number, sessionId: string) => {
    const row = await loadAuthState(sql, userId, sessionId);
    if (!row) return null;
    const state: CachedState = {
      email: row.email,
      name: row.name,
      role: row.role,
      disabled: row.disabled,
      validAfter: row.sessionsValidAfter.getTime(),
    };
    // A session this user never had counts as ended, and so does one past its absolute
    // expiry, whatever tokens it still has.
    const expiresAt = row.sessionExpiresAt?.getTime() ?? 0;
    return {
      state,
      expiresAt,
      sessionRevoked: !row.sessionFound || row.sessionRevokedAt !== null ||
        expiresAt <= now().getTime(),
    };
  };

  const refuse = () =>
    new TokenError("session_ended", "This session has ended. Please sign in again.");

  /** Drops the cached state so the next request reads the user afresh. */
  const forgetUser = async (userId: number) => {
    await store.delete(authKeys.user(userId)).catch((error) =>
      log.warn("auth state not dropped from the store", { userId, error: error.message })
    );
  };

  const markRevoked = async (sessionIds: string[]) => {
    await Promise.all(
      sessionIds.map((id) =>
        store.set(authKeys.revokedSession(id), "1", ACCESS_MS).catch((error) =>
          log.warn("session revocation not cached", { error: error.message })
        )
      ),
    );
    await closeStreams?.(sessionIds).catch((error) =>
      log.warn("live streams of ended sessions not closed", { error: error.message })
    );
  };

  return {
    /** The signed-in user of a valid access token; throws TokenError otherwise. */
    async authenticate(token: string): Promise<AuthUser> {
      const claims = await tokens.verify(token);
      let state: CachedState | null = null;
      let revoked: boolean;
      try {
        const [denied, cached, sessionRevoked, sessionOwner] = await store.getMany([
          authKeys.deniedToken(claims.jti),
          authKeys.user(claims.userId),
          authKeys.revokedSession(claims.sessionId),
          authKeys.openSession(claims.sessionId),
        ]);
        revoked = denied !== null || sessionRevoked !== null;
        if (!revoked) {
          // The cache answers only for a session the database showed open for this user, and
          // only until that session's absolute expiry: a token naming any other session (a
          // forged one) is checked against the database.
          const [owner, until] = (sessionOwner ?? "").split(":").map(Number);
          if (cached && owner === claims.userId && until > now().getTime()) {
            state = JSON.parse(cached);
          } else {
            const loaded = await loadState(claims.userId, claims.sessionId);
            if (loaded) {
              state = loaded.state;
              revoked = loaded.sessionRevoked;
              const cache = [
                store.set(authKeys.user(claims.userId), JSON.stringify(state), STATE_TTL_MS),
              ];
              if (!revoked) {
                // Never believed past the session's end.
                const left = loaded.expiresAt - now().getTime();
                cache.push(store.set(
                  authKeys.openSession(claims.sessionId),
                  `${claims.userId}:${loaded.expiresAt}`,
                  Math.min(STATE_TTL_MS, left),
                ));
              }
              Promise.all(cache).catch(() => {});
            }
          }
        }
      } catch {
        // The store is unreachable: the database alone says whether the session is open.
        const loaded = await loadState(claims.userId, claims.sessionId);
        state = loaded?.state ?? null;
        revoked = loaded?.sessionRevoked ?? true;
      }
      if (revoked || !state || state.disabled) throw refuse();
      // `iat` has whole seconds: a token from the same second as a password change must
      // pass, or signing in right after the change would fail. Tokens minted before the
      // change in that second belong to sessions the change revoked, so they fail above.
      if (claims.issuedAt < Math.floor(state.validAfter / 1000)) throw refuse();
      return {
        id: claims.userId,
        email: state.email,
        name: state.name,
        role: state.role,
        sessionId: claims.sessionId,
        jti: claims.jti,
        tokenExpiresAt: claims.expiresAt,
      };
    },

    /** Ends this session: the access token is denied until it expires, the refresh token dies. */
    async signOut(user: AuthUser, meta: RequestMeta) {
      const left = user.tokenExpiresAt * 1000 - now().getTime();
      if (left > 0) {
        await store.set(authKeys.deniedToken(user.jti), "1", left).catch((error) =>
          log.warn("signed-out token not denied in the store", { error: error.message })
        );
      }
      await markRevoked([user.sessionId]);
      await sql.begin(async (tx) => {
        await revokeSession(tx, user.sessionId, "signed out");
        await recordAudit(tx, {
          actorId: user.id,
          action: "auth.signout",
          entityType: "session",
          entityId: user.sessionId,
          ...meta,
        });
      });
    },

    /** Ends one session (an admin signing out a kiosk); false when it had already ended. */
    async endSession(sessionId: string, actorId: number, meta: RequestMeta) {
      const ended = await sql.begin(async (tx) => {
        const [row] = await tx<{ userId: number }[]>`
          update sessions set revoked_at = now(), revoked_reason = 'signed out by an admin'
          where id = ${sessionId} and revoked_at is null
          returning user_id`;
        if (!row) return false;
        await recordAudit(tx, {
          actorId,
          action: "session.ended",
          entityType: "session",
          entityId: sessionId,
          details: { userId: row.userId },
          ...meta,
        });
        return true;
      });
      if (ended) await markRevoked([sessionId]);
      return ended;
    },

    /** Ends every session of a user at once (disabled account, new password). */
    async endAllSessions(userId: number, reason: string) {
      const ids = await revokeUserSessions(sql, userId, reason);
      await markRevoked(ids);
      await forgetUser(userId);
      return ids.length;
    },

    forgetUser,
  };
}

export type Authentication = ReturnType<typeof createAuthentication>;
