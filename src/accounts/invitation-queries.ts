import type { Queryable } from "../infra/db.ts";
import type { Role } from "./roles.ts";

/** Invitations and the accounts they were made for. */

export type InvitationState = "open" | "expired" | "accepted" | "withdrawn";

export interface InvitationRow {
  id: number;
  userId: number;
  salt: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  invitedBy: number | null;
  invitedByName: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  withdrawnAt: Date | null;
  state: InvitationState;
}

const columns = (sql: Queryable) =>
  sql`
    i.id, i.user_id, i.salt, u.email, u.name, u.role, u.disabled, i.invited_by,
    b.name as invited_by_name, i.created_at, i.expires_at, i.accepted_at, i.withdrawn_at,
    case when i.accepted_at is not null then 'accepted'
         when i.withdrawn_at is not null then 'withdrawn'
         when i.expires_at <= now() then 'expired'
         else 'open' end as state`;

const joined = (sql: Queryable) =>
  sql`invitations i join users u on u.id = i.user_id left join users b on b.id = i.invited_by`;

export async function insertInvitation(
  sql: Queryable,
  i: { userId: number; salt: string; tokenHash: string; invitedBy: number; hours: number },
): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into invitations (user_id, salt, token_hash, invited_by, expires_at)
    values (${i.userId}, ${i.salt}, ${i.tokenHash}, ${i.invitedBy},
            now() + make_interval(hours => ${i.hours}))
    returning id`;
  return row.id;
}

/** Withdraws the account's open invitation, if any; true when there was one. */
export async function withdrawOpenInvitation(sql: Queryable, userId: number): Promise<boolean> {
  const rows = await sql`
    update invitations set withdrawn_at = now()
    where user_id = ${userId} and accepted_at is null and withdrawn_at is null
    returning id`;
  return rows.length > 0;
}

export async function findInvitation(sql: Queryable, id: number): Promise<InvitationRow | null> {
  const [row] = await sql<InvitationRow[]>`
    select ${columns(sql)} from ${joined(sql)} where i.id = ${id}`;
  return row ?? null;
}

export async function findInvitationByHash(
  sql: Queryable,
  tokenHash: string,
): Promise<InvitationRow | null> {
  const [row] = await sql<InvitationRow[]>`
    select ${columns(sql)} from ${joined(sql)} where i.token_hash = ${tokenHash}`;
  return row ?? null;
}

/** Whether this account was ever invited and has not accepted yet (it has no password). */
export async function pendingInvitee(sql: Queryable, userId: number): Promise<boolean> {
  const [row] = await sql`
    select 1 from invitations i where i.user_id = ${userId}
      and not exists (select 1 from invitations a where a.user_id = ${userId}
                        and a.accepted_at is not null)
    limit 1`;
  return !!row;
}

/**
 * Takes the invitation: only an open, unexpired one, and only once (a conditional write, so
 * two tabs posting the same link set one password).
 */
export async function takeInvitation(sql: Queryable, id: number): Promise<boolean> {
  const rows = await sql`
    update invitations set accepted_at = now()
    where id = ${id} and accepted_at is null and withdrawn_at is null and expires_at > now()
    returning id`;
  return rows.length > 0;
}

/** Invitations not accepted yet (open, expired or withdrawn), the newest per account first. */
export async function listUnacceptedInvitations(sql: Queryable, limit = 50) {
  return await sql<InvitationRow[]>`
    select ${columns(sql)} from ${joined(sql)}
    where i.accepted_at is null
      and i.id = (select max(x.id) from invitations x where x.user_id = i.user_id)
      and not exists (select 1 from invitations a where a.user_id = i.user_id
                        and a.accepted_at is not null)
    order by i.created_at desc, i.id desc
    limit ${limit}`;
}
