import type { Queryable } from "../infra/db.ts";

/** One line in the audit log: who did what to which thing, from where. */
export interface AuditEntry {
  actorId?: number | null;
  action: string;
  entityType?: string;
  entityId?: string | number;
  details?: Record<string, unknown>;
  ip?: string;
  userAgent?: string;
}

export async function recordAudit(sql: Queryable, entry: AuditEntry) {
  await sql`
    insert into audit_log (actor_id, action, entity_type, entity_id, details, ip, user_agent)
    values (${entry.actorId ?? null}, ${entry.action}, ${entry.entityType ?? null},
            ${entry.entityId === undefined ? null : String(entry.entityId)},
            ${sql.json((entry.details ?? {}) as never)}, ${entry.ip ?? null},
            ${entry.userAgent?.slice(0, 300) ?? null})`;
}
