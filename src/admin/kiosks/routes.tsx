import { Hono } from "hono";
import { z } from "zod";
import { type KioskSession, KiosksPage } from "../../../views/admin/kiosks/kiosks-page.tsx";
import type { ShopView } from "../../../views/context.ts";
import type { Accounts } from "../../accounts/index.ts";
import { requireRole } from "../../accounts/middleware.ts";
import type { Sql } from "../../infra/db.ts";
import type { AppEnv } from "../../http/env.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { ShopFormat } from "../../shop/format.ts";

const sessionId = z.string().uuid();

/** Kiosk sessions: the board devices signed in for a shift (admins only). */
export function adminRoutes(
  { shop, sql, accounts, format }: {
    shop: ShopView;
    sql: Sql;
    accounts: Accounts;
    format: ShopFormat;
  },
) {
  const admin = requireRole("admin");
  return new Hono<AppEnv>()
    .get("/admin/kiosks", admin, async (c) => {
      const sessions = await sql<KioskSession[]>`
        select s.id, u.name as user_name, s.created_at, s.expires_at, s.ip, s.user_agent
        from sessions s join users u on u.id = s.user_id
        where s.kind = 'kiosk' and s.revoked_at is null and s.expires_at > now()
        order by s.created_at desc`;
      c.header("Cache-Control", "no-store");
      return c.html(
        <KiosksPage
          shop={shop}
          viewer={viewerOf(c)}
          sessions={sessions}
          dateTime={format.dateTime}
          flash={c.req.query("done") === "ended" ? "The kiosk was signed out." : undefined}
        />,
      );
    })
    .post("/admin/kiosks/:id/end", admin, async (c) => {
      const id = sessionId.safeParse(c.req.param("id"));
      if (id.success) await accounts.auth.endSession(id.data, c.get("user")!.id, c.get("meta"));
      return c.redirect("/admin/kiosks?done=ended", 303);
    });
}
