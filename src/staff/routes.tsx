import { Hono } from "hono";
import type { ShopView } from "../../views/context.ts";
import { BoardPage } from "../../views/staff/board-page.tsx";
import { requireRole } from "../accounts/middleware.ts";
import type { AppEnv } from "../http/env.ts";
import { viewerOf } from "../http/viewer.ts";

/** Screens for the counter staff (admins may use them too). */
export function staffRoutes({ shop }: { shop: ShopView }) {
  return new Hono<AppEnv>()
    .get(
      "/board",
      requireRole("staff", "admin"),
      (c) => c.html(<BoardPage shop={shop} viewer={viewerOf(c)} />),
    );
}
