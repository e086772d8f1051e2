import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { analyticsAdminRoutes } from "./analytics/routes.tsx";
import { auditAdminRoutes } from "./audit/routes.tsx";
import { bakePlanAdminRoutes } from "./bake-plan/routes.tsx";
import { calendarAdminRoutes } from "./calendar/routes.tsx";
import { pickupSettingsAdminRoutes } from "./pickup-settings/routes.tsx";
import { categoryAdminRoutes } from "./categories/routes.tsx";
import { couponAdminRoutes } from "./coupons/routes.tsx";
import { dashboardAdminRoutes } from "./dashboard/routes.tsx";
import type { AdminDeps } from "./deps.ts";
import { jobAdminRoutes } from "./jobs/routes.tsx";
import { kioskAdminRoutes } from "./kiosks/routes.tsx";
import { notificationAdminRoutes } from "./notifications/routes.tsx";
import { orderAdminRoutes } from "./orders/routes.tsx";
import { productAdminRoutes } from "./products/routes.tsx";
import { shopAdminRoutes } from "./shop/routes.tsx";
import { stockAdminRoutes } from "./stock/routes.tsx";
import { stockCountRoutes } from "./stock/count-routes.tsx";
import { userAdminRoutes } from "./users/routes.tsx";
import { invitationAdminRoutes } from "./users/invitations.tsx";

/**
 * Every admin screen, mounted here and only here: a screen mounts its own routes and never
 * another screen's. A new screen is a folder beside these and one line below.
 */
export function adminRoutes(deps: AdminDeps) {
  return new Hono<AppEnv>()
    .route("/", dashboardAdminRoutes(deps))
    .route("/", analyticsAdminRoutes(deps))
    .route("/", auditAdminRoutes(deps))
    .route("/", notificationAdminRoutes(deps))
    .route("/", productAdminRoutes(deps))
    .route("/", categoryAdminRoutes(deps))
    .route("/", stockCountRoutes(deps))
    .route("/", stockAdminRoutes(deps))
    .route("/", bakePlanAdminRoutes(deps))
    .route("/", calendarAdminRoutes(deps))
    .route("/", pickupSettingsAdminRoutes(deps))
    .route("/", orderAdminRoutes(deps))
    // Before the user pages: "/admin/users/invitations" is not a user's id.
    .route("/", invitationAdminRoutes(deps))
    .route("/", userAdminRoutes(deps))
    .route("/", couponAdminRoutes(deps))
    .route("/", kioskAdminRoutes(deps))
    .route("/", jobAdminRoutes(deps))
    .route("/", shopAdminRoutes(deps));
}
