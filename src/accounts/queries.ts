import type { Queryable } from "../infra/db.ts";
import type { Role } from "./roles.ts";

export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  passwordHash: string;
  sessionsValidAfter: Date;
  createdAt: Date;
  emailVerifiedAt: Date | null;
}

export async function findUserByEmail(sql: Queryable, email: string): Promise<UserRow | null> {
  const [row] = await sql<UserRow[]>`
    select id, email, name, role, disabled, password_hash, sessions_valid_after, created_at,
           email_verified_at
    from users where lower(email) = lower(${email})`;
  return row ?? null;
}

export async function findUserById(sql: Queryable, id: number): Promise<UserRow | null> {
  const [row] = await sql<UserRow[]>`
    select id, email, name, role, disabled, password_hash, sessions_valid_after, created_at,
           email_verified_at
    from users where id = ${id}`;
  return row ?? null;
}

/** Inserts a user; null when the email is taken (case-insensitively). */
export async function insertUser(
  sql: Queryable,
  user: {
    email: string;
    name: string;
    passwordHash: string;
    role?: Role;
    /**
     * Whether the address counts as proven. Accounts the shop makes itself (the command
     * line, the demo, fixtures) are; one made by signing up is not until its link is followed.
     */
    emailVerified?: boolean;
  },
): Promise<UserRow | null> {
  const [row] = await sql<UserRow[]>`
    insert into users (email, name, password_hash, role, email_verified_at)
    values (${user.email}, ${user.name}, ${user.passwordHash}, ${user.role ?? "customer"},
            ${user.emailVerified === false ? null : new Date()})
    on conflict do nothing
    returning id, email, name, role, disabled, password_hash, sessions_valid_after, created_at,
      email_verified_at`;
  return row ?? null;
}

export async function updateUserName(sql: Queryable, id: number, name: string) {
  await sql`update users set name = ${name}, updated_at = now() where id = ${id}`;
}

/**
 * New password; every access token issued before `at` stops working. `at` is the app's
 * clock (the one that stamps tokens), not the database's: the two may disagree.
 */
export async function updatePasswordHash(
  sql: Queryable,
  id: number,
  passwordHash: string,
  at: Date,
) {
  // A new password also ends every reset link still in the mailbox.
  await sql`
    with expired as (
      update account_tokens set expires_at = ${at}
      where user_id = ${id} and purpose = 'password_reset' and used_at is null
        and expires_at > ${at}
    )
    update users set password_hash = ${passwordHash}, sessions_valid_after = ${at},
      updated_at = now()
    where id = ${id}`;
}

export async function updateUserRole(sql: Queryable, id: number, role: Role) {
  const [row] = await sql<{ previous: Role }[]>`
    update users u set role = ${role}, updated_at = now()
    from (select role as previous from users where id = ${id} for update) old
    where u.id = ${id}
    returning old.previous`;
  return row?.previous ?? null;
}

export async function updateUserDisabled(
  sql: Queryable,
  id: number,
  disabled: boolean,
  at: Date,
) {
  await sql`
    update users set disabled = ${disabled}, updated_at = now(),
      sessions_valid_after = case when ${disabled} then ${at}::timestamptz
                                  else sessions_valid_after end
    where id = ${id} and deleted_at is null`;
}

export interface SessionRow {
  id: string;
  userId: number;
  kind: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

export async function insertSession(
  sql: Queryable,
  session: {
    id: string;
    userId: number;
    kind: string;
    expiresAt: Date;
    ip: string;
    userAgent: string;
  },
) {
  await sql`
    insert into sessions (id, user_id, kind, expires_at, ip, user_agent)
    values (${session.id}, ${session.userId}, ${session.kind}, ${session.expiresAt},
            ${session.ip}, ${session.userAgent.slice(0, 300)})`;
}

export async function insertRefreshToken(
  sql: Queryable,
  token: { hash: string; sessionId: string; expiresAt: Date },
) {
  await sql`
    insert into refresh_tokens (token_hash, session_id, expires_at)
    values (${token.hash}, ${token.sessionId}, ${token.expiresAt})`;
}

export interface RefreshTokenRow {
  tokenHash: string;
  usedAt: Date | null;
  /** The client (see clientBinding) that exchanged the token. */
  usedBy: string | null;
  expiresAt: Date;
  sessionId: string;
  sessionExpiresAt: Date;
  sessionRevokedAt: Date | null;
  userId: number;
}

/** The token and its session, locked until the transaction ends (one rotation at a time). */
export async function lockRefreshToken(sql: Queryable, hash: string) {
  const [row] = await sql<RefreshTokenRow[]>`
    select t.token_hash, t.used_at, t.used_by, t.expires_at, s.id as session_id,
           s.expires_at as session_expires_at, s.revoked_at as session_revoked_at, s.user_id
    from refresh_tokens t join sessions s on s.id = t.session_id
    where t.token_hash = ${hash}
    for update of t, s`;
  return row ?? null;
}

/** `at` is the app's clock: reuse is judged against it, never against the database's. */
export async function markRefreshTokenUsed(
  sql: Queryable,
  hash: string,
  at: Date,
  client: string,
) {
  await sql`update refresh_tokens set used_at = ${at}, used_by = ${client} where token_hash = ${hash}`;
}

export async function revokeSession(sql: Queryable, id: string, reason: string) {
  await sql`
    update sessions set revoked_at = now(), revoked_reason = ${reason}
    where id = ${id} and revoked_at is null`;
}

/** Whether this user signed in from this exact address in the last 90 days. */
export async function signedInFrom(sql: Queryable, userId: number, ip: string) {
  const [row] = await sql<{ known: boolean }[]>`
    select exists (
      select 1 from sessions
      where user_id = ${userId} and ip = ${ip} and created_at > now() - interval '90 days'
    ) as known`;
  return row.known;
}

/** The ids of a user's open sessions. */
export async function openSessionIds(sql: Queryable, userId: number) {
  const rows = await sql<{ id: string }[]>`
    select id from sessions where user_id = ${userId} and revoked_at is null`;
  return rows.map((r) => r.id);
}

/** Ends every open session of a user; returns their ids. */
export async function revokeUserSessions(sql: Queryable, userId: number, reason: string) {
  const rows = await sql<{ id: string }[]>`
    update sessions set revoked_at = now(), revoked_reason = ${reason}
    where user_id = ${userId} and revoked_at is null
    returning id`;
  return rows.map((r) => r.id);
}

/** What authentication needs to know about a user and one of their sessions. */
export async function loadAuthState(sql: Queryable, userId: number, sessionId: string) {
  const [row] = await sql<
    {
      email: string;
      name: string;
      role: Role;
      disabled: boolean;
      sessionsValidAfter: Date;
      /** False when the token names a session this user never had. */
      sessionFound: boolean;
      sessionRevokedAt: Date | null;
      sessionExpiresAt: Date | null;
    }[]
  >`
    select u.email, u.name, u.role, u.disabled, u.sessions_valid_after,
           s.id is not null as session_found, s.revoked_at as session_revoked_at,
           s.expires_at as session_expires_at
    from users u left join sessions s on s.id = ${sessionId} and s.user_id = u.id
    where u.id = ${userId}`;
  return row ?? null;
}
