import type { Sql } from "../infra/db.ts";
import type { Logger } from "../infra/log.ts";
import type { Store } from "../infra/store.ts";
import { recordAudit } from "../audit/record.ts";
import { AppError } from "../http/errors.ts";
import { clientNetwork } from "../http/client-network.ts";
import type { RateLimiter } from "../http/rate-limit.ts";
import { enqueue, USERS_QUEUE } from "../outbox/outbox.ts";
import { findUserByEmail, insertRefreshToken, insertSession, type UserRow } from "./queries.ts";
import { verifyAgainstDecoy, verifyPassword } from "./passwords.ts";
import type { PasswordChecks } from "./password-checks.ts";
import { createSignInGuard } from "./brute-force.ts";
import type { Device } from "./device-cookie.ts";
import type { Role } from "./roles.ts";
import {
  ACCESS_TOKEN_SECONDS,
  hashToken,
  newRefreshToken,
  REFRESH_TOKEN_DAYS,
  type Tokens,
} from "./tokens.ts";

export interface AccountsDeps {
  sql: Sql;
  store: Store;
  tokens: Tokens;
  limiter: RateLimiter;
  /** The bounded queue every argon2 hash and check runs through. */
  passwordChecks: PasswordChecks;
  /**
   * How long a refused sign-in waits before it is answered. A guesser refused at once comes
   * straight back: 64 connections made 700 refusals a second, and that volume alone slowed
   * the shop. Held a second, each connection costs a timer.
   */
  refusalPauseMs?: number;
  log: Logger;
  now: () => Date;
  /**
   * Closes the live streams of these sessions on every instance: when a session ends, and
   * when its user's role changes (a stream reopens only if the new role may see it).
   */
  closeStreams?: (sessionIds: string[]) => Promise<void>;
  /** Derives invitation links (the worker derives the same ones to mail them). */
  invitationSecret: string;
}

/** Where a request came from, for the audit log and per-client limits. */
export interface RequestMeta {
  ip: string;
  userAgent: string;
}

export type SessionKind = "web" | "api" | "kiosk";

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: PublicUser;
}

export interface PublicUser {
  id: number;
  email: string;
  name: string;
  role: Role;
}

export const publicUser = (u: Pick<UserRow, "id" | "email" | "name" | "role">): PublicUser => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
});

/** Store keys of the authentication fast path (see authenticate.ts). */
export const authKeys = {
  user: (id: number) => `auth:user:${id}`,
  deniedToken: (jti: string) => `auth:deny:${jti}`,
  revokedSession: (id: string) => `auth:revoked:${id}`,
  /** A session the database showed open, and whose it is (cached with the user's state). */
  openSession: (id: string) => `auth:session:${id}`,
};

/** Sign-in and sessions: passwords checked, sessions opened, tokens issued. */
export function createSessions(deps: AccountsDeps) {
  const { sql, tokens, limiter, passwordChecks, now } = deps;
  const guard = createSignInGuard({ sql, limiter, counters: limiter.counters, now });

  /** Opens a session (a refresh-token family) and issues its first tokens. */
  async function startSession(
    user: UserRow,
    meta: RequestMeta,
    kind: SessionKind,
    lifetimeMs = REFRESH_TOKEN_DAYS * 86_400_000,
  ): Promise<IssuedTokens> {
    const sessionId = crypto.randomUUID();
    const refreshToken = newRefreshToken();
    const expiresAt = new Date(now().getTime() + lifetimeMs);
    await sql.begin(async (tx) => {
      await insertSession(tx, { id: sessionId, userId: user.id, kind, expiresAt, ...meta });
      await insertRefreshToken(tx, {
        hash: await hashToken(refreshToken),
        sessionId,
        expiresAt,
      });
      await recordAudit(tx, {
        actorId: user.id,
        action: "auth.signin",
        entityType: "user",
        entityId: user.id,
        details: { kind, sessionId },
        ...meta,
      });
    });
    const access = await tokens.sign(user, sessionId);
    return {
      accessToken: access.token,
      refreshToken,
      expiresIn: ACCESS_TOKEN_SECONDS,
      user: publicUser(user),
    };
  }

  return {
    startSession,

    /**
     * Checks an email and password. Unknown emails and wrong passwords get the same answer
     * in the same time; failures are limited per network and account, per network and per
     * account (see brute-force.ts), and the check waits its turn in the bounded queue.
     */
    async signIn(...args: Parameters<typeof attemptSignIn>): Promise<IssuedTokens> {
      try {
        return await attemptSignIn(...args);
      } catch (error) {
        if (error instanceof AppError && (error.status === 429 || error.status === 503)) {
          await new Promise((resolve) => setTimeout(resolve, deps.refusalPauseMs ?? 1000));
        }
        throw error;
      }
    },
  };

  async function attemptSignIn(
    input: { email: string; password: string },
    meta: RequestMeta,
    kind: SessionKind = "web",
    /** For kind "kiosk": how long the device stays signed in (a shift). */
    kioskHours = 12,
    /** The browser's device cookie, if it has one (its accounts pass their delays). */
    device?: Device,
  ): Promise<IssuedTokens> {
    const attempt = await guard.admit(
      { email: input.email, ip: meta.ip, device },
      () => findUserByEmail(sql, input.email.trim()),
    );
    const { user } = attempt;
    let valid: boolean;
    try {
      valid = await passwordChecks.run(
        clientNetwork(meta.ip),
        () =>
          user
            ? verifyPassword(user.passwordHash, input.password)
            : verifyAgainstDecoy(input.password),
      );
    } catch (error) {
      await attempt.withdrawn();
      throw error;
    }
    if (!user || !valid) {
      const { tellOwner } = await attempt.failed();
      await sql.begin(async (tx) => {
        await recordAudit(tx, {
          actorId: user?.id ?? null,
          action: "auth.signin_failed",
          entityType: "user",
          entityId: user?.id,
          details: { email: input.email.trim().slice(0, 254) },
          ...meta,
        });
        // The worker reads the failures from the audit log and tells the owner.
        if (user && tellOwner) {
          await enqueue(tx, {
            queue: USERS_QUEUE,
            type: "user.signin_failures",
            payload: { userId: user.id },
          });
        }
      });
      throw new AppError(401, "invalid_credentials", "That email and password don't match.");
    }
    await attempt.succeeded();
    if (user.disabled) {
      await recordAudit(sql, {
        actorId: user.id,
        action: "auth.signin_refused",
        entityType: "user",
        entityId: user.id,
        details: { reason: "disabled" },
        ...meta,
      });
      throw new AppError(
        403,
        "account_disabled",
        "This account is disabled. Please ask the shop if you think that is a mistake.",
      );
    }
    // Only staff devices become kiosks: a shift-long session for the order board.
    if (kind === "kiosk") {
      if (user.role === "customer") return await startSession(user, meta, "web");
      return await startSession(user, meta, "kiosk", kioskHours * 3_600_000);
    }
    return await startSession(user, meta, kind);
  }
}

export type Sessions = ReturnType<typeof createSessions>;
