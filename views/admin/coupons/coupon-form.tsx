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
const NO_LIMIT = "Empty: no limit.";

/** One rule of the form: a text field, or a choice when it has `options`. */
interface Rule {
  id: string;
  name: keyof CouponFormValues;
  label: string;
  hint?: string;
  maxlength?: number;
  inputmode?: "decimal" | "numeric";
  required?: boolean;
  options?: [value: string, label: string][];
  /** What a choice shows when the form has no value yet. */
  initial?: string;
}

/** Every rule of the coupon engine, in the order the form asks for them. */
const rules = (currency: string): Rule[] => [
  {
    id: "coupon-code",
    name: "code",
    label: "Code",
    hint: "3 to 32 letters, digits, - or _; stored in capitals, matched in any case.",
    maxlength: 32,
    required: true,
  },
  {
    id: "coupon-description",
    name: "description",
    label: "Description (optional)",
    hint: "What the customer is told, e.g. “10% off your first order”.",
    maxlength: 200,
  },
  {
    id: "coupon-kind",
    name: "kind",
    label: "Discount",
    options: [
      ["percent", "Percentage off the subtotal"],
      ["fixed", `Fixed amount off (${currency})`],
    ],
    initial: "percent",
  },
  {
    id: "coupon-amount",
    name: "amount",
    label: "Amount",
    hint: "A percentage from 1 to 100, or money such as 2.50.",
    inputmode: "decimal",
    maxlength: 10,
    required: true,
  },
  {
    id: "coupon-min-subtotal",
    name: "minSubtotal",
    label: "Minimum subtotal (optional)",
    hint: "Money such as 10.00. Empty: any order.",
    inputmode: "decimal",
    maxlength: 10,
  },
  {
    id: "coupon-regulars",
    name: "regularsMinOrders",
    label: "Regulars only (optional)",
    hint: "Collected orders a customer needs. Empty: everyone.",
    inputmode: "numeric",
    maxlength: 6,
  },
  {
    id: "coupon-valid-from",
    name: "validFrom",
    label: "Valid from (optional)",
    hint: MOMENT_HINT,
    maxlength: 16,
  },
  {
    id: "coupon-valid-until",
    name: "validUntil",
    label: "Valid until (optional)",
    hint: MOMENT_HINT + " A date alone includes that whole day.",
    maxlength: 16,
  },
  {
    id: "coupon-max-redemptions",
    name: "maxRedemptions",
    label: "Total uses (optional)",
    hint: NO_LIMIT,
    inputmode: "numeric",
    maxlength: 6,
  },
  {
    id: "coupon-per-customer",
    name: "perCustomerLimit",
    label: "Uses per customer (optional)",
    hint: NO_LIMIT,
    inputmode: "numeric",
    maxlength: 6,
  },
];

/** Every rule of a coupon; with htmx a refused submit swaps in with the errors in place. */
export function CouponForm(props: CouponFormView) {
  const { values: v, fields = {} } = props;
  return (
    <EnhancedForm id={COUPON_FORM_ID} action={props.action} label="Coupon">
      <CsrfField token={props.csrfToken} />
      <ErrorBanner id="coupon-form-error" message={props.error} />
      <div class="grid gap-4 sm:grid-cols-2">
        {rules(props.currency).map(({ options, initial, ...rule }) =>
          options
            ? (
              <Select
                id={rule.id}
                name={rule.name}
                label={rule.label}
                value={v[rule.name] ?? initial}
                error={fields[rule.name]}
                options={options}
              />
            )
            : <Input {...rule} value={v[rule.name]} error={fields[rule.name]} />
        )}
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
