import { Hono } from "hono";
import { z } from "zod";
import { KiosksPage } from "../../../views/admin/kiosks/kiosks-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import { openKioskSessions } from "./queries.ts";

const sessionId = z.string().uuid();

/** Kiosk sessions: the board devices signed in for a shift (admins only). */
export function kioskAdminRoutes({ shop, sql, accounts, format }: AdminDeps) {
  const admin = requireRole("admin");
  return new Hono<AppEnv>()
    .get("/admin/kiosks", admin, async (c) => {
      const sessions = await openKioskSessions(sql);
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
