import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField, ErrorBanner } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { AdminForm, Input, TextArea } from "../shared/form-parts.tsx";

export const SHOP_FORM_ID = "shop-form";

export interface ShopDetailsValues {
  name: string;
  address: string;
  phone: string;
  email: string;
  mapUrl: string;
}

export interface ShopDetailsFormView {
  csrfToken: string;
  values: ShopDetailsValues;
  error?: string;
  fields?: Record<string, string>;
}

const order = ["name", "address", "phone", "email", "mapUrl"];

/** Name, address, phone, email and map link: shown in every page's footer and on orders. */
export function ShopDetailsForm({ csrfToken, values, error, fields = {} }: ShopDetailsFormView) {
  const focus = order.find((name) => fields[name]);
  return (
    <AdminForm id={SHOP_FORM_ID} action="/admin/shop" label="Shop details">
      <CsrfField token={csrfToken} />
      <ErrorBanner id="shop-form-error" message={error} />
      <Input
        id="shop-name"
        name="name"
        label="Shop name"
        required
        maxlength={80}
        value={values.name}
        error={fields.name}
        autofocus={focus === "name"}
      />
      <TextArea
        id="shop-address"
        name="address"
        label="Address"
        hint="As on a letter, one line each."
        maxlength={300}
        value={values.address}
        error={fields.address}
      />
      <div class="grid gap-4 sm:grid-cols-2">
        <Input
          id="shop-phone"
          name="phone"
          label="Phone"
          hint="Customers can tap it to call."
          maxlength={30}
          value={values.phone}
          error={fields.phone}
          autofocus={focus === "phone"}
        />
        <Input
          id="shop-email"
          name="email"
          label="Email"
          maxlength={254}
          value={values.email}
          error={fields.email}
          autofocus={focus === "email"}
        />
      </div>
      <Input
        id="shop-map"
        name="mapUrl"
        label="Map link"
        hint="A link to the shop on a map (https://…)."
        maxlength={500}
        value={values.mapUrl}
        error={fields.mapUrl}
        autofocus={focus === "mapUrl"}
      />
      <p class="text-sm text-ink-soft">
        Opening hours come from the bakery's calendar (the usual week, closures and special hours);
        the footer shows today's.
      </p>
      <div>
        <button type="submit" class="btn-primary">Save</button>
      </div>
    </AdminForm>
  );
}

export function ShopSettingsPage(
  { shop, viewer, form, flash }: {
    shop: ShopView;
    viewer: Viewer;
    form: ShopDetailsFormView;
    flash?: string;
  },
) {
  return (
    <AdminLayout shop={shop} viewer={viewer} area="shop" title="Shop settings" flash={flash}>
      <section class="panel max-w-2xl">
        <ShopDetailsForm {...form} />
      </section>
    </AdminLayout>
  );
}
