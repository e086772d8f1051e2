import { type Context, Hono } from "hono";
import {
  SHOP_FORM_ID,
  ShopDetailsForm,
  ShopSettingsPage,
} from "../../../views/admin/shop/shop-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import { recordAudit } from "../../audit/record.ts";
import type { AppEnv } from "../../http/env.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import { readShopDetails, type ShopDetails } from "../../shop/details.ts";
import type { AdminDeps } from "../deps.ts";
import {
  auditBy,
  finish,
  FIX_FIELDS,
  flashOf,
  formErrors,
  noStore,
  readForm,
  text,
} from "../shared/form-kit.ts";
import { lockShopDetails, writeShopDetails } from "./queries.ts";
import { shopDetailsSchema } from "./schema.ts";

type Ctx = Context<AppEnv>;

const flashes = { saved: "Saved. Every page's footer and new confirmations show it now." };

/** Shop settings: the name, address, phone, email and map link customers see (admins only). */
export function shopAdminRoutes({ shop, sql }: AdminDeps) {
  const admin = requireRole("admin");

  const page = (
    c: Ctx,
    values: ShopDetails,
    problems: { error?: string; fields?: Record<string, string> } = {},
    status: 200 | 422 = 200,
  ) => {
    noStore(c);
    const form = { csrfToken: c.get("csrfToken")(), values, ...problems };
    if (wantsFragment(c, SHOP_FORM_ID)) return c.html(<ShopDetailsForm {...form} />, status);
    return c.html(
      <ShopSettingsPage shop={shop} viewer={viewerOf(c)} form={form} flash={flashOf(c, flashes)} />,
      status,
    );
  };

  return new Hono<AppEnv>()
    .get("/admin/shop", admin, async (c) => {
      const stored = await readShopDetails(sql);
      return page(c, { ...stored, name: stored.name || shop.name });
    })
    .post("/admin/shop", admin, async (c) => {
      const body = await readForm(c);
      const typed: ShopDetails = {
        name: text(body, "name"),
        address: text(body, "address"),
        phone: text(body, "phone"),
        email: text(body, "email"),
        mapUrl: text(body, "mapUrl"),
      };
      const parsed = shopDetailsSchema.safeParse(typed);
      if (!parsed.success) {
        return page(c, typed, { error: FIX_FIELDS, fields: formErrors(parsed.error) }, 422);
      }
      const who = auditBy(c);
      await sql.begin(async (tx) => {
        const before = await lockShopDetails(tx);
        await writeShopDetails(tx, parsed.data);
        const changes = Object.fromEntries(
          (Object.keys(parsed.data) as (keyof ShopDetails)[])
            .filter((key) => before[key] !== parsed.data[key])
            .map((key) => [key, { from: before[key], to: parsed.data[key] }]),
        );
        await recordAudit(tx, {
          ...who,
          action: "shop.details_changed",
          entityType: "shop",
          details: changes,
        });
      });
      return finish(c, SHOP_FORM_ID, "/admin/shop?done=saved");
    });
}
