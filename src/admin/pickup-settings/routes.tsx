import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  PickupSettingsPage,
  SETTINGS_FORM_ID,
  SettingsFormPart,
} from "../../../views/admin/pickup-settings/settings-page.tsx";
import { requireRole } from "../../accounts/middleware.ts";
import type { SettingsView } from "../../bakery/calendar-admin.ts";
import type { AppEnv } from "../../http/env.ts";
import { wantsFragment } from "../../http/htmx.ts";
import { viewerOf } from "../../http/viewer.ts";
import type { AdminDeps } from "../deps.ts";
import {
  actorOf,
  finish,
  FIX_FIELDS,
  flashOf,
  formErrors,
  noStore,
  readForm,
  refusal,
  text,
} from "../shared/form-kit.ts";
import { type SettingsForm, settingsFormSchema } from "./schema.ts";

type Ctx = Context<AppEnv>;

const flashes = { saved: "The pickup settings were saved. Checkout offers slots by them now." };

const formOf = (s: SettingsView): SettingsForm => ({
  slotMinutes: String(s.slotMinutes),
  ordersPerSlot: s.ordersPerSlot === null ? "" : String(s.ordersPerSlot),
  horizonDays: String(s.horizonDays),
  nextDayCutoff: s.nextDayCutoff ?? "",
});

/** Slot length, orders per slot, pre-order horizon and next-day cut-off (admins only). */
export function pickupSettingsAdminRoutes({ shop, calendar }: AdminDeps) {
  const admin = requireRole("admin");

  const render = (
    c: Ctx,
    values: SettingsForm,
    status: ContentfulStatusCode,
    problems: { error?: string; fields?: Record<string, string> } = {},
  ) => {
    noStore(c);
    const form = { csrfToken: c.get("csrfToken")(), values, ...problems };
    if (wantsFragment(c, SETTINGS_FORM_ID)) return c.html(<SettingsFormPart {...form} />, status);
    return c.html(
      <PickupSettingsPage
        {...form}
        shop={shop}
        viewer={viewerOf(c)}
        flash={problems.error ? undefined : flashOf(c, flashes)}
      />,
      status,
    );
  };

  return new Hono<AppEnv>()
    .get(
      "/admin/pickup-settings",
      admin,
      async (c) => render(c, formOf(await calendar.settings()), 200),
    )
    .post("/admin/pickup-settings", admin, async (c) => {
      const body = await readForm(c);
      const values: SettingsForm = {
        slotMinutes: text(body, "slotMinutes"),
        ordersPerSlot: text(body, "ordersPerSlot"),
        horizonDays: text(body, "horizonDays"),
        nextDayCutoff: text(body, "nextDayCutoff"),
      };
      const parsed = settingsFormSchema.safeParse(values);
      if (!parsed.success) {
        return render(c, values, 422, { error: FIX_FIELDS, fields: formErrors(parsed.error) });
      }
      try {
        await calendar.updateSettings(parsed.data, actorOf(c));
      } catch (error) {
        const { status, message } = refusal(error);
        return render(c, values, status === 404 ? 409 : status, { error: message });
      }
      return finish(c, SETTINGS_FORM_ID, "/admin/pickup-settings?done=saved");
    });
}
