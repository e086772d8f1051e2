import type { CouponFormValues } from "../../../src/admin/coupons/schema.ts";
import { CsrfField, EnhancedForm, ErrorBanner } from "../../accounts/form-parts.tsx";
import { Input, Select } from "../shared/fields.tsx";

export const COUPON_FORM_ID = "coupon-form";

export interface CouponFormView {
  action: string;
  csrfToken: string;
  values: CouponFormValues;
  error?: string;
  fields?: Record<string, string>;
  /** A new coupon chooses whether it starts active; an existing one has its own button. */
  isNew: boolean;
  currency: string;
}

const MOMENT_HINT =
  "Shop time. A date alone (2026-06-01) or a date and time (2026-06-01 08:00). Empty: no limit.";

/** Every rule of a coupon; with htmx a refused submit swaps in with the errors in place. */
export function CouponForm(props: CouponFormView) {
  const { values: v, fields = {} } = props;
  return (
    <EnhancedForm id={COUPON_FORM_ID} action={props.action} label="Coupon">
      <CsrfField token={props.csrfToken} />
      <ErrorBanner id="coupon-form-error" message={props.error} />
      <div class="grid gap-4 sm:grid-cols-2">
        <Input
          id="coupon-code"
          name="code"
          label="Code"
          hint="3 to 32 letters, digits, - or _; stored in capitals, matched in any case."
          value={v.code}
          error={fields.code}
          maxlength={32}
          required
        />
        <Input
          id="coupon-description"
          name="description"
          label="Description (optional)"
          hint="What the customer is told, e.g. “10% off your first order”."
          value={v.description}
          error={fields.description}
          maxlength={200}
        />
        <Select
          id="coupon-kind"
          name="kind"
          label="Discount"
          value={v.kind ?? "percent"}
          error={fields.kind}
          options={[["percent", "Percentage off the subtotal"], [
            "fixed",
            `Fixed amount off (${props.currency})`,
          ]]}
        />
        <Input
          id="coupon-amount"
          name="amount"
          label="Amount"
          hint="A percentage from 1 to 100, or money such as 2.50."
          value={v.amount}
          error={fields.amount}
          inputmode="decimal"
          maxlength={10}
          required
        />
        <Input
          id="coupon-min-subtotal"
          name="minSubtotal"
          label="Minimum subtotal (optional)"
          hint="Money such as 10.00. Empty: any order."
          value={v.minSubtotal}
          error={fields.minSubtotal}
          inputmode="decimal"
          maxlength={10}
        />
        <Input
          id="coupon-regulars"
          name="regularsMinOrders"
          label="Regulars only (optional)"
          hint="Collected orders a customer needs. Empty: everyone."
          value={v.regularsMinOrders}
          error={fields.regularsMinOrders}
          inputmode="numeric"
          maxlength={6}
        />
        <Input
          id="coupon-valid-from"
          name="validFrom"
          label="Valid from (optional)"
          hint={MOMENT_HINT}
          value={v.validFrom}
          error={fields.validFrom}
          maxlength={16}
        />
        <Input
          id="coupon-valid-until"
          name="validUntil"
          label="Valid until (optional)"
          hint={MOMENT_HINT + " A date alone includes that whole day."}
          value={v.validUntil}
          error={fields.validUntil}
          maxlength={16}
        />
        <Input
          id="coupon-max-redemptions"
          name="maxRedemptions"
          label="Total uses (optional)"
          hint="Empty: no limit."
          value={v.maxRedemptions}
          error={fields.maxRedemptions}
          inputmode="numeric"
          maxlength={6}
        />
        <Input
          id="coupon-per-customer"
          name="perCustomerLimit"
          label="Uses per customer (optional)"
          hint="Empty: no limit."
          value={v.perCustomerLimit}
          error={fields.perCustomerLimit}
          inputmode="numeric"
          maxlength={6}
        />
      </div>
      {props.isNew && (
        <label class="flex items-center gap-2 min-h-11">
          <input type="checkbox" name="active" value="on" checked={v.active === "on"} />
          <span>Active: customers can use it at once</span>
        </label>
      )}
      <button type="submit" class="btn-primary self-start">
        {props.isNew ? "Create coupon" : "Save changes"}
      </button>
    </EnhancedForm>
  );
}
