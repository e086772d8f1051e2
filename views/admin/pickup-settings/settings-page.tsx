import type { SettingsForm } from "../../../src/admin/pickup-settings/schema.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField, type FormProblems } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { AdminForm, Input } from "../shared/form-parts.tsx";

export const SETTINGS_FORM_ID = "pickup-settings-form";

export interface SettingsFormView extends FormProblems {
  csrfToken: string;
  values: SettingsForm;
}

export function SettingsFormPart(view: SettingsFormView) {
  const { values, fields = {} } = view;
  return (
    <AdminForm id={SETTINGS_FORM_ID} action="/admin/pickup-settings" label="Pickup settings">
      <CsrfField token={view.csrfToken} />
      {view.error && <p class="error-banner" role="alert">{view.error}</p>}
      <Input
        id="slot-minutes"
        name="slotMinutes"
        label="Slot length (minutes)"
        type="number"
        inputmode="numeric"
        min={5}
        max={240}
        required
        value={values.slotMinutes}
        hint="Customers choose a pickup window of this length. A multiple of 5, like 15."
        error={fields.slotMinutes}
      />
      <Input
        id="orders-per-slot"
        name="ordersPerSlot"
        label="Orders per slot (capacity)"
        type="number"
        inputmode="numeric"
        min={1}
        max={10000}
        value={values.ordersPerSlot}
        hint="How many pickups the counter can serve in one slot. Leave blank for no limit."
        error={fields.ordersPerSlot}
      />
      <Input
        id="horizon-days"
        name="horizonDays"
        label="Pre-order horizon (days)"
        type="number"
        inputmode="numeric"
        min={1}
        max={90}
        required
        value={values.horizonDays}
        hint="How many days ahead customers may order, from today."
        error={fields.horizonDays}
      />
      <Input
        id="next-day-cutoff"
        name="nextDayCutoff"
        label="Next-day cut-off"
        value={values.nextDayCutoff}
        maxlength={5}
        placeholder="18:00"
        hint="Orders for tomorrow close at this time today (24-hour clock). Leave blank for none."
        error={fields.nextDayCutoff}
      />
      <div>
        <button type="submit" class="btn-primary">Save settings</button>
      </div>
    </AdminForm>
  );
}

export function PickupSettingsPage(
  view: SettingsFormView & { shop: ShopView; viewer: Viewer; flash?: string },
) {
  return (
    <AdminLayout
      shop={view.shop}
      viewer={view.viewer}
      area="pickup-settings"
      title="Pickup settings"
      flash={view.flash}
    >
      <div class="panel max-w-xl">
        <SettingsFormPart {...view} />
      </div>
      <p class="text-sm text-ink-soft">
        Opening hours, closures and special hours are on the{" "}
        <a href="/admin/calendar">calendar</a>. A new slot length or capacity applies to orders
        already placed for today and later as well.
      </p>
    </AdminLayout>
  );
}
