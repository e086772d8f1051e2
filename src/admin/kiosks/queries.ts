import type { KioskSession } from "../../../views/admin/kiosks/kiosks-page.tsx";
import type { Queryable } from "../../infra/db.ts";

/** Board devices signed in for a shift and not signed out or expired, newest first. */
export async function openKioskSessions(sql: Queryable): Promise<KioskSession[]> {
  return await sql<KioskSession[]>`
    select s.id, u.name as user_name, s.created_at, s.expires_at, s.ip, s.user_agent
    from sessions s join users u on u.id = s.user_id
    where s.kind = 'kiosk' and s.revoked_at is null and s.expires_at > now()
    order by s.created_at desc`;
}
