import type { Queryable } from "../../infra/db.ts";
import { containing } from "../shared/lists.ts";

/**
 * The audit trail as admins read it: every row of `audit_log` (sign-ins, account and admin
 * actions, and every order status change, which the worker records from the change's event
 * whoever made it: board, API or admin screen).
 */

export interface AuditRow {
  at: Date;
  actorId: number | null;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  /** What the entity is called now (a user's name, a product's, an order's code), if known. */
  entityLabel: string | null;
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditFilters {
  /** Part of the actor's name or email (or of the email a failed sign-in tried). */
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  /** At or after `from`, before `until`. */
  from?: Date;
  until?: Date;
}

const entries = (sql: Queryable) => sql`audit_log e left join users u on u.id = e.actor_id`;

const matching = (sql: Queryable, f: AuditFilters) => {
  const actor = f.actor ? containing(f.actor) : undefined;
  return sql`
    where true
    ${
    actor
      ? sql`and (u.name ilike ${actor} or u.email ilike ${actor}
              or e.details ->> 'email' ilike ${actor})`
      : sql``
  }
    ${f.action ? sql`and e.action = ${f.action}` : sql``}
    ${f.entityType ? sql`and e.entity_type = ${f.entityType}` : sql``}
    ${f.entityId ? sql`and e.entity_id = ${f.entityId}` : sql``}
    ${f.from ? sql`and e.at >= ${f.from}` : sql``}
    ${f.until ? sql`and e.at < ${f.until}` : sql``}`;
};

/** An id-shaped entity id as an integer, or null (session ids are uuids). */
const numericId = (sql: Queryable) =>
  sql`(case when e.entity_id ~ '^[0-9]{1,9}$' then e.entity_id::int end)`;

const columns = (sql: Queryable) =>
  sql`
    e.at, e.actor_id, u.name as actor_name, u.email as actor_email, e.action, e.entity_type,
    e.entity_id, e.details, e.ip, e.user_agent,
    case e.entity_type
      when 'user' then (select x.name from users x where x.id = ${numericId(sql)})
      when 'product' then (select x.name from products x where x.id = ${numericId(sql)})
      when 'category' then (select x.name from categories x where x.id = ${numericId(sql)})
      when 'order' then (select x.code from orders x where x.id = ${numericId(sql)})
      when 'coupon' then (select x.code from coupons x where x.id = ${numericId(sql)})
    end as entity_label`;

/** One page of entries, newest first, and how many match in all. */
export async function listAudit(
  sql: Queryable,
  filters: AuditFilters,
  page: { limit: number; offset: number },
): Promise<{ rows: AuditRow[]; total: number }> {
  const [{ total }] = await sql<{ total: number }[]>`
    select count(*)::int as total from ${entries(sql)} ${matching(sql, filters)}`;
  const rows = total === 0 ? [] : await sql<AuditRow[]>`
    select ${columns(sql)}
    from ${entries(sql)} ${matching(sql, filters)}
    order by e.at desc, e.id desc
    limit ${page.limit} offset ${page.offset}`;
  return { rows, total };
}

/** The newest rows of the audit log itself, for the dashboard. */
export async function latestAudit(sql: Queryable, limit: number): Promise<AuditRow[]> {
  return await sql<AuditRow[]>`
    select ${columns(sql)}
    from (select * from audit_log order by at desc, id desc limit ${limit}) e
    left join users u on u.id = e.actor_id
    order by e.at desc, e.id desc`;
}

/**
 * Every action that occurs, for the filter's choices: one index probe per distinct action
 * (a loose index scan) instead of reading the whole log.
 */
export async function auditActions(sql: Queryable): Promise<string[]> {
  const rows = await sql<{ action: string }[]>`
    with recursive seen as (
      (select action from audit_log order by action limit 1)
      union all
      select (select a.action from audit_log a where a.action > seen.action
              order by a.action limit 1)
      from seen where seen.action is not null
    )
    select action from seen where action is not null`;
  return rows.map((r) => r.action);
}
