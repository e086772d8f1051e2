import { recordAudit } from "../audit/record.ts";
import { AppError } from "../http/errors.ts";
import {
  findUserById,
  insertRefreshToken,
  lockRefreshToken,
  markRefreshTokenUsed,
  revokeSession,
  type UserRow,
} from "./queries.ts";
import {
  type AccountsDeps,
  authKeys,
  type IssuedTokens,
  publicUser,
  type RequestMeta,
} from "./service.ts";
import { ACCESS_TOKEN_SECONDS, hashToken, newRefreshToken } from "./tokens.ts";
import { clientNetwork } from "../http/client-network.ts";
import { sha256Hex } from "../infra/digest.ts";

/** Pages may send one refresh token twice in a burst (parallel requests): not theft. */
export const BROWSER_REUSE_GRACE_MS = 10_000;

export type RefreshResult =
  | ({ kind: "rotated" } & IssuedTokens)
  /**
   * Rotated moments ago by a parallel request of the same browser, whose response carries
   * the new refresh token; this request gets an access token of the same session.
   */
  | { kind: "raced"; accessToken: string; expiresIn: number };

type Outcome =
  | { kind: "error"; error: AppError; revokedSession?: string }
  | { kind: "raced"; user: UserRow; sessionId: string }
  | { kind: "rotated"; user: UserRow; sessionId: string; next: string };

/**
 * Who presents a token, as far as a server can tell: the browser (user agent) and its
 * network. A page's parallel requests share both; a copied cookie replayed elsewhere does not.
 */
export const clientBinding = (meta: RequestMeta) =>
  sha256Hex(`${meta.userAgent}\n${clientNetwork(meta.ip)}`);

const ended = (message = "This session has ended. Please sign in again.") =>
  new AppError(401, "session_ended", message);

/**
 * Exchanges a refresh token for a new pair. Each token works once: presenting a token that
 * was already exchanged means it was copied, so the whole session (every token of its
 * family) is revoked.
 */
export function createRefresh({ sql, store, tokens, log, now, closeStreams }: AccountsDeps) {
  return async function refresh(
    refreshToken: string,
    meta: RequestMeta,
    options: { reuseGraceMs?: number } = {},
  ): Promise<RefreshResult> {
    const hash = await hashToken(refreshToken);
    const client = await clientBinding(meta);
    const outcome = await sql.begin(async (tx): Promise<Outcome> => {
      const row = await lockRefreshToken(tx, hash);
      if (!row) {
        return {
          kind: "error",
          error: ended("That refresh token is not valid. Please sign in again."),
        };
      }
      const at = now().getTime();
      if (row.sessionRevokedAt) return { kind: "error", error: ended() };
      if (row.usedAt) {
        // Only pages get a grace period, and only the client that exchanged the token: for
        // API clients, or anyone else, a second use is theft.
        const grace = options.reuseGraceMs ?? 0;
        const withinGrace = grace > 0 && at - row.usedAt.getTime() <= grace;
        if (withinGrace && row.usedBy === client) {
          const user = await findUserById(tx, row.userId);
          if (!user || user.disabled) return { kind: "error", error: ended() };
          return { kind: "raced", user, sessionId: row.sessionId };
        }
        await revokeSession(tx, row.sessionId, "refresh token reused");
        await recordAudit(tx, {
          actorId: row.userId,
          action: "auth.refresh_reuse",
          entityType: "session",
          entityId: row.sessionId,
          // Within the grace it was another client: a copied cookie, not a page's burst.
          details: { revoked: true, ...(withinGrace ? { otherClient: true } : {}) },
          ...meta,
        });
        return {
          kind: "error",
          revokedSession: row.sessionId,
          error: ended(
            "That refresh token was already used, so the session was ended for safety. Please sign in again.",
          ),
        };
      }
      if (row.expiresAt.getTime() <= at || row.sessionExpiresAt.getTime() <= at) {
        return { kind: "error", error: ended("Your session has expired. Please sign in again.") };
      }
      const user = await findUserById(tx, row.userId);
      if (!user || user.disabled) return { kind: "error", error: ended() };
      const next = newRefreshToken();
      await markRefreshTokenUsed(tx, hash, new Date(at), client);
      await insertRefreshToken(tx, {
        hash: await hashToken(next),
        sessionId: row.sessionId,
        expiresAt: row.sessionExpiresAt,
      });
      return { kind: "rotated", user, sessionId: row.sessionId, next };
    });

    if (outcome.kind === "error") {
      if (outcome.revokedSession) {
        // Access tokens of the stolen session stop working now, not when they expire.
        await store.set(
          authKeys.revokedSession(outcome.revokedSession),
          "1",
          ACCESS_TOKEN_SECONDS * 1000,
        ).catch((error) => log.warn("session revocation not cached", { error: error.message }));
        await closeStreams?.([outcome.revokedSession]).catch(() => {});
      }
      throw outcome.error;
    }
    if (outcome.kind === "raced") {
      const access = await tokens.sign(outcome.user, outcome.sessionId);
      return { kind: "raced", accessToken: access.token, expiresIn: ACCESS_TOKEN_SECONDS };
    }
    const { user, sessionId, next } = outcome;
    const access = await tokens.sign(user, sessionId);
    return {
      kind: "rotated",
      accessToken: access.token,
      refreshToken: next,
      expiresIn: ACCESS_TOKEN_SECONDS,
      user: publicUser(user),
    };
  };
}

export type Refresh = ReturnType<typeof createRefresh>;
