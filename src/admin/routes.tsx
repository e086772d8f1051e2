import { Hono } from "hono";
import { AdminPage } from "../../views/admin/admin-page.tsx";
import type { ShopView } from "../../views/context.ts";
import { requireRole } from "../accounts/middleware.ts";
import type { AppEnv } from "../http/env.ts";
import { viewerOf } from "../http/viewer.ts";

/** Screens for running the shop, for admins only. */
export function adminRoutes({ shop }: { shop: ShopView }) {
  return new Hono<AppEnv>()
    .get(
      "/admin",
      requireRole("admin"),
      (c) => c.html(<AdminPage shop={shop} viewer={viewerOf(c)} />),
    );
}
