import type { AdminCoupon, RedemptionRow } from "../../../src/admin/coupons/queries.ts";
import { statusLabels } from "../../../src/orders/status.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { DataTable, Pager } from "../shared/list-kit.tsx";
import { CouponForm, type CouponFormView } from "./coupon-form.tsx";
import { type CouponTexts, discountText, usesText, validityText } from "./coupons-page.tsx";

export interface CouponPageProps extends CouponTexts {
  shop: ShopView;
  viewer: Viewer;
  flash?: string;
  coupon: AdminCoupon;
  form: CouponFormView;
  redemptions: RedemptionRow[];
  redemptionTotal: number;
  page: number;
  pageCount: number;
}

/** One coupon: its rules as they stand, the form to change them, and the orders that used it. */
export function CouponAdminPage(props: CouponPageProps) {
  const { coupon: c } = props;
  const toggle = `/admin/coupons/${c.id}/active`;
  return (
    <AdminLayout
      shop={props.shop}
      viewer={props.viewer}
      area="coupons"
      title={`Coupon ${c.code}`}
      flash={props.flash}
    >
      <p>
        <a class="text-link" href="/admin/coupons">← All coupons</a>
      </p>
      <section class="panel flex flex-wrap items-center justify-between gap-4" aria-label="State">
        <dl class="admin-facts">
          <dt>State</dt>
          <dd>{c.active ? "Active" : <strong class="text-out">Inactive</strong>}</dd>
          <dt>Discount</dt>
          <dd>{discountText(c, props)}</dd>
          <dt>Valid</dt>
          <dd>{validityText(c, props)}</dd>
          <dt>Used / limit</dt>
          <dd>{usesText(c)}</dd>
        </dl>
        <form method="post" action={toggle} hx-disable="find button">
          <CsrfField token={props.form.csrfToken} />
          <input type="hidden" name="active" value={c.active ? "false" : "true"} />
          <button type="submit" class={c.active ? "btn-secondary" : "btn-primary"}>
            {c.active ? "Deactivate" : "Reactivate"}
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="coupon-rules-heading">
        <h2 id="coupon-rules-heading" class="section-heading">Rules</h2>
        <CouponForm {...props.form} />
      </section>
      <section class="panel flex flex-col gap-3" aria-labelledby="coupon-uses-heading">
        <h2 id="coupon-uses-heading" class="section-heading">
          Orders that used it ({props.redemptionTotal})
        </h2>
        {props.redemptions.length === 0
          ? <p>No order has used this coupon yet.</p>
          : (
            <DataTable inset columns={["Order", "Customer", "Date", "Discount", "Status"]}>
              {props.redemptions.map((r) => (
                <tr>
                  <td data-label="Order">
                    <a class="text-link" href={`/admin/orders/${r.orderId}`}>{r.orderCode}</a>
                    <span class="block text-ink-soft">{r.codeDay}</span>
                  </td>
                  <td data-label="Customer">
                    {r.customerName}
                    <span class="block text-ink-soft">{r.customerEmail}</span>
                  </td>
                  <td data-label="Date">{props.dateTime(r.redeemedAt)}</td>
                  <td data-label="Discount">{props.money(r.discountCents)}</td>
                  <td data-label="Status">{statusLabels[r.status]}</td>
                </tr>
              ))}
            </DataTable>
          )}
        <Pager
          page={props.page}
          pageCount={props.pageCount}
          href={(page) => `/admin/coupons/${c.id}?page=${page}`}
        />
      </section>
    </AdminLayout>
  );
}
