import { Hono } from "hono";
import { DashboardPage } from "../../../views/admin/dashboard/dashboard-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import { sseHeaders } from "../../catalog/routes.tsx";
import type { AppEnv } from "../../http/env.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import { DASHBOARD_TOPIC, dashboardFigures, renderLive, watchDashboard } from "./publish.ts";

/** The admin home: today's figures, kept live (AdminDeps is the source they are read from). */
export function dashboardAdminRoutes(deps: AdminDeps) {
  const admin = requireRole("admin");
  watchDashboard(deps);
  return new Hono<AppEnv>()
    .get("/admin", admin, async (c) => {
      c.header("Cache-Control", "no-store");
      return c.html(
        <DashboardPage
          shop={deps.shop}
          viewer={viewerOf(c)}
          figures={await dashboardFigures(deps)}
        />,
      );
    })
    .get("/admin/dashboard/events", admin, (c) => {
      // The figures as they are once the stream listens: a change in between is sent after.
      const body = deps.live.open(DASHBOARD_TOPIC, {
        first: renderLive(deps).then((data) => [{ data }]),
        signal: c.req.raw.signal,
        sessionId: c.get("user")!.sessionId,
      });
      return c.body(body, 200, sseHeaders);
    });
}
