import type { Queryable } from "../infra/db.ts";

/**
 * What housekeeping removes. Each rule keeps a margin past the instant a row stopped
 * mattering, so nothing a request may still look at disappears under it.
 */

/** A retried checkout finds its order by its key for a day; after that the key is noise. */
export const IDEMPOTENCY_KEY_HOURS = 24;
/**
 * Sessions stay 90 days after they began: sign-in delays let through addresses an account
 * signed in from in that time (brute-force.ts), even once the session itself ended.
 */
export const SESSION_KEEP_DAYS = 90;

const count = (result: { count: number }) => result.count;

export async function removeExpiredIdempotencyKeys(sql: Queryable) {
  return count(
    await sql`
      delete from idempotency_keys
      where created_at < now() - ${IDEMPOTENCY_KEY_HOURS} * interval '1 hour'`,
  );
}

/** Refresh tokens past their expiry, and those of sessions ended more than a day ago. */
export async function removeDeadRefreshTokens(sql: Queryable) {
  return count(
    await sql`
      delete from refresh_tokens t
      where t.expires_at < now()
         or exists (select 1 from sessions s where s.id = t.session_id
                    and s.revoked_at < now() - interval '1 day')`,
  );
}

export async function removeOldSessions(sql: Queryable) {
  return count(
    await sql`
      delete from sessions
      where expires_at < now()
        and created_at < now() - ${SESSION_KEEP_DAYS} * interval '1 day'`,
  );
}

/**
 * Reset and verification links a day after they expired or were used (until then, following
 * one again says "already used" or "expired" rather than "not valid").
 */
export async function removeDeadAccountTokens(sql: Queryable) {
  return count(
    await sql`
      delete from account_tokens
      where expires_at < now() - interval '1 day' or used_at < now() - interval '1 day'`,
  );
}

/** The stored image files some product (active or archived) still shows. */
export async function imagesInUse(sql: Queryable): Promise<Set<string>> {
  const rows = await sql<{ imagePath: string }[]>`
    select image_path from products where image_path is not null`;
  return new Set(rows.map((r) => r.imagePath.split("/").pop()!));
}

/** Records a job's run; the schedule says when it is due again. */
export async function recordRun(sql: Queryable, job: string, result: Record<string, unknown>) {
  await sql`
    update housekeeping_schedule set last_run_at = now(), last_result = ${sql.json(result as never)}
    where job = ${job}`;
}
