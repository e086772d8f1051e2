import type { Queryable } from "../infra/db.ts";
import { randomToken, sha256Hex } from "../infra/digest.ts";
import { AppError } from "../http/errors.ts";

/** What a link mailed to an account does. */
export type TokenPurpose = "password_reset" | "verify_email";

/** How long each kind of link works. */
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  password_reset: 60 * 60_000,
  verify_email: 48 * 60 * 60_000,
};

/**
 * Makes a link token for an account; every earlier unused one of the same purpose stops
 * working (only the newest link in the mailbox counts). Returns the token itself, which is
 * never stored: only its SHA-256 is.
 */
export async function issueAccountToken(
  tx: Queryable,
  { userId, purpose, email, now }: {
    userId: number;
    purpose: TokenPurpose;
    email: string;
    now: Date;
  },
): Promise<string> {
  await expireAccountTokens(tx, userId, purpose, now);
  const token = randomToken(32);
  await tx`
    insert into account_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
    values (${await sha256Hex(token)}, ${userId}, ${purpose}, ${email}, ${now},
            ${new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose])})`;
  return token;
}

/** Ends the unused links of an account (a newer request, a new password). */
export async function expireAccountTokens(
  tx: Queryable,
  userId: number,
  purpose: TokenPurpose,
  now: Date,
) {
  await tx`
    update account_tokens set expires_at = ${now}
    where user_id = ${userId} and purpose = ${purpose} and used_at is null
      and expires_at > ${now}`;
}

export interface TakenToken {
  userId: number;
  email: string;
}

const refusal = (code: string, message: string) =>
  new AppError(400, code, message, { token: message });

export const tokenRefusals = {
  invalid: () =>
    refusal(
      "token_invalid",
      "This link is not valid. Check that you copied all of it, or ask for a new one.",
    ),
  used: () =>
    refusal("token_used", "This link was already used. Ask for a new one if you need it."),
  expired: () =>
    refusal(
      "token_expired",
      "This link has expired or a newer one was sent. Ask for a new link.",
    ),
};

/**
 * Looks a token up under a row lock and says why it cannot be used, if it cannot: unknown
 * (or made for something else), used, expired or replaced. Call `markTokenUsed` in the same
 * transaction once the work it stands for is done.
 */
export async function lockAccountToken(
  tx: Queryable,
  token: string,
  purpose: TokenPurpose,
  now: Date,
): Promise<TakenToken & { hash: string }> {
  if (token.length < 20 || token.length > 100) throw tokenRefusals.invalid();
  const hash = await sha256Hex(token);
  const [row] = await tx<
    { userId: number; email: string; purpose: string; expiresAt: Date; usedAt: Date | null }[]
  >`
    select user_id, email, purpose, expires_at, used_at from account_tokens
    where token_hash = ${hash} for update`;
  if (!row || row.purpose !== purpose) throw tokenRefusals.invalid();
  if (row.usedAt) throw tokenRefusals.used();
  if (row.expiresAt.getTime() <= now.getTime()) throw tokenRefusals.expired();
  return { hash, userId: row.userId, email: row.email };
}

export async function markTokenUsed(tx: Queryable, hash: string, now: Date) {
  await tx`update account_tokens set used_at = ${now} where token_hash = ${hash}`;
}

/** Whether a token was issued for this account and purpose and still works (for the worker). */
export async function tokenIsLive(
  tx: Queryable,
  { token, userId, purpose }: { token: string; userId: number; purpose: TokenPurpose },
): Promise<{ email: string } | null> {
  const [row] = await tx<{ email: string }[]>`
    select email from account_tokens
    where token_hash = ${await sha256Hex(token)} and user_id = ${userId}
      and purpose = ${purpose} and used_at is null and expires_at > now()`;
  return row ?? null;
}
