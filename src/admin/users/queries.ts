import type { Queryable } from "../../infra/db.ts";
import type { Role } from "../../accounts/roles.ts";
import { containing } from "../shared/lists.ts";

/** Accounts as the admin screens read them; changes go through accounts/manage.ts. */

export interface UserFilters {
  q?: string;
  role?: Role;
}

export interface AdminUserRow {
  id: number;
  name: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  /** Set when the account was deleted (its details are gone; its orders stay). */
  deletedAt: Date | null;
  /** The latest `auth.signin` in the audit log (one index probe per row). */
  lastSignInAt: Date | null;
}

const matching = (sql: Queryable, f: UserFilters) =>
  sql`
    where true
    ${f.role ? sql`and u.role = ${f.role}` : sql``}
    ${
    f.q ? sql`and (u.name ilike ${containing(f.q)} or u.email ilike ${containing(f.q)})` : sql``
  }`;

const columns = (sql: Queryable) =>
  sql`
    u.id, u.name, u.email, u.role, u.disabled, u.created_at, u.deleted_at,
    (select a.at from audit_log a where a.actor_id = u.id and a.action = 'auth.signin'
      order by a.at desc limit 1) as last_sign_in_at`;

/** One page of accounts, newest first, and how many match in all. */
export async function listUsers(
  sql: Queryable,
  filters: UserFilters,
  page: { limit: number; offset: number },
): Promise<{ users: AdminUserRow[]; total: number }> {
  const [{ total }] = await sql<{ total: number }[]>`
    select count(*)::int as total from users u ${matching(sql, filters)}`;
  const users = total === 0 ? [] : await sql<AdminUserRow[]>`
    select ${columns(sql)} from users u ${matching(sql, filters)}
    order by u.created_at desc, u.id desc
    limit ${page.limit} offset ${page.offset}`;
  return { users, total };
}

export interface AdminUserDetail extends AdminUserRow {
  orderCount: number;
  openSessions: number;
}

export async function findAdminUser(sql: Queryable, id: number): Promise<AdminUserDetail | null> {
  const [row] = await sql<AdminUserDetail[]>`
    select ${columns(sql)},
      (select count(*)::int from orders o where o.user_id = u.id) as order_count,
      (select count(*)::int from sessions s
        where s.user_id = u.id and s.revoked_at is null and s.expires_at > now()) as open_sessions
    from users u where u.id = ${id}`;
  return row ?? null;
}
