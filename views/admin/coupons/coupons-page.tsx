import type { AdminCoupon } from "../../../src/admin/coupons/queries.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { AdminLayout } from "../shared/layout.tsx";
import { DataTable, EmptyState, FilterBar, Pager } from "../shared/list-kit.tsx";
import { Input } from "../shared/fields.tsx";
import { CouponForm, type CouponFormView } from "./coupon-form.tsx";
import { withQuery } from "../../../src/admin/shared/lists.ts";

export interface CouponTexts {
  money: (cents: number) => string;
  date: (at: Date) => string;
  dateTime: (at: Date) => string;
}

/** "10% off", "€2.50 off" */
export const discountText = (c: AdminCoupon, t: CouponTexts) =>
  c.kind === "percent" ? `${c.amount}% off` : `${t.money(c.amount)} off`;

/** "from Mon 1 Jun, 08:00 until Tue 30 Jun, 23:59", or "always". */
export function validityText(c: AdminCoupon, t: CouponTexts) {
  const parts = [
    c.validFrom && `from ${t.dateTime(c.validFrom)}`,
    c.validUntil && `until ${t.dateTime(c.validUntil)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(" ") : "Always";
}

export const usesText = (c: AdminCoupon) =>
  `${c.redeemedCount} / ${c.maxRedemptions ?? "no limit"}`;

const columns = [
  "Code",
  "Discount",
  "Minimum",
  "Valid",
  "Used / limit",
  "Per customer",
  "Regulars",
  "State",
];

/** Every coupon with its rules at a glance and how often it was used. */
export function CouponsPage(
  props: CouponTexts & {
    shop: ShopView;
    viewer: Viewer;
    flash?: string;
    q?: string;
    coupons: AdminCoupon[];
    total: number;
    page: number;
    pageCount: number;
  },
) {
  const href = (page: number) => withQuery("/admin/coupons", { q: props.q, page });
  return (
    <AdminLayout
      shop={props.shop}
      viewer={props.viewer}
      area="coupons"
      title="Coupons"
      flash={props.flash}
    >
      <div class="flex flex-wrap items-end gap-3 justify-between">
        <FilterBar
          action="/admin/coupons"
          label="Find coupons"
          class="flex items-end gap-3"
          submit="Find"
          quiet
        >
          <Input id="coupon-q" name="q" type="search" label="Code" value={props.q} maxlength={32} />
        </FilterBar>
        <a class="btn-primary" href="/admin/coupons/new">New coupon</a>
      </div>
      {props.coupons.length === 0
        ? <EmptyState>No coupons yet.</EmptyState>
        : (
          <DataTable columns={columns}>
            {props.coupons.map((c) => (
              <tr>
                <td data-label="Code">
                  <a class="text-link" href={`/admin/coupons/${c.id}`}>{c.code}</a>
                  {c.description && <span class="block text-ink-soft">{c.description}</span>}
                </td>
                <td data-label="Discount">{discountText(c, props)}</td>
                <td data-label="Minimum">
                  {c.minSubtotalCents ? props.money(c.minSubtotalCents) : "—"}
                </td>
                <td data-label="Valid">{validityText(c, props)}</td>
                <td data-label="Used / limit">{usesText(c)}</td>
                <td data-label="Per customer">{c.perCustomerLimit ?? "—"}</td>
                <td data-label="Regulars">
                  {c.regularsMinOrders ? `${c.regularsMinOrders} orders` : "—"}
                </td>
                <td data-label="State">
                  {c.active ? "Active" : <strong class="text-out">Inactive</strong>}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      <Pager page={props.page} pageCount={props.pageCount} href={href} />
    </AdminLayout>
  );
}

export function NewCouponPage(
  props: CouponFormView & { shop: ShopView; viewer: Viewer },
) {
  return (
    <AdminLayout shop={props.shop} viewer={props.viewer} area="coupons" title="New coupon">
      <p>
        <a class="text-link" href="/admin/coupons">← All coupons</a>
      </p>
      <section class="panel">
        <CouponForm {...props} />
      </section>
    </AdminLayout>
  );
}
