import type { OrderParties } from "../../../src/admin/orders/queries.ts";
import type { OrderItemRow, OrderRow, StatusChangeRow } from "../../../src/orders/queries.ts";
import { statusLabels, transitions } from "../../../src/orders/status.ts";
import type { ShopView, Viewer } from "../../context.ts";
import { CsrfField, ErrorBanner } from "../../accounts/form-parts.tsx";
import { AdminLayout } from "../shared/layout.tsx";
import { DataTable } from "../shared/list-kit.tsx";
import { Select, TextArea } from "../shared/fields.tsx";
import { DetailForm } from "../shared/form-parts.tsx";

export const ORDER_DETAIL_ID = "order-detail";

/** What a failed status change or cancellation shows, beside the form it came from. */
export interface OrderActionProblems {
  form: "status" | "cancel";
  error?: string;
  fields?: Record<string, string>;
  values?: { status?: string; reason?: string };
}

export interface OrderDetailView {
  order: OrderRow;
  items: OrderItemRow[];
  history: StatusChangeRow[];
  parties: OrderParties;
  csrfToken: string;
  problems?: OrderActionProblems;
  money: (cents: number) => string;
  dateTime: (at: Date) => string;
}

function StatusForm({ order, csrfToken, problems }: OrderDetailView) {
  const next = transitions[order.status].filter((s) => s !== "cancelled");
  if (next.length === 0) return null;
  const mine = problems?.form === "status" ? problems : undefined;
  const action = `/admin/orders/${order.id}/status`;
  return (
    <DetailForm action={action} target={ORDER_DETAIL_ID} label="Change status">
      <CsrfField token={csrfToken} />
      <input type="hidden" name="expectedFrom" value={order.status} />
      <ErrorBanner id="order-status-error" message={mine?.error} />
      <Select
        id="order-next-status"
        name="status"
        label="Move to"
        value={mine?.values?.status ?? next[0]}
        error={mine?.fields?.status}
        options={next.map((s) => [s, statusLabels[s]])}
      />
      <TextArea
        id="order-status-note"
        name="reason"
        label="Note (optional)"
        maxlength={300}
        value={mine?.values?.reason}
        error={mine?.fields?.reason}
      />
      <button type="submit" class="btn-primary self-start">Change status</button>
    </DetailForm>
  );
}

function CancelForm({ order, csrfToken, problems }: OrderDetailView) {
  if (!transitions[order.status].includes("cancelled")) return null;
  const mine = problems?.form === "cancel" ? problems : undefined;
  const action = `/admin/orders/${order.id}/cancel`;
  return (
    <DetailForm action={action} target={ORDER_DETAIL_ID} label="Cancel order">
      <CsrfField token={csrfToken} />
      <input type="hidden" name="expectedFrom" value={order.status} />
      <ErrorBanner id="order-cancel-error" message={mine?.error} />
      <TextArea
        id="order-cancel-reason"
        name="reason"
        label="Reason for cancelling"
        hint="The items go back into stock and any coupon use is given back."
        maxlength={300}
        required
        value={mine?.values?.reason}
        error={mine?.fields?.reason}
      />
      <button type="submit" class="btn-secondary self-start">Cancel order</button>
    </DetailForm>
  );
}

/** The order's facts, history and actions: swapped whole after a refused change. */
export function OrderDetail(props: OrderDetailView) {
  const { order, items, history, parties, money, dateTime } = props;
  const open = transitions[order.status].length > 0;
  return (
    <div id={ORDER_DETAIL_ID} class="flex flex-col gap-4">
      <p class="flex flex-wrap gap-3">
        <a href={`/board/orders/${order.id}/print/ticket?from=admin`} class="btn-secondary">
          Print kitchen ticket
        </a>
        <a href={`/board/orders/${order.id}/print/label?from=admin`} class="btn-secondary">
          Print bag label
        </a>
      </p>
      <section class="panel grid gap-4 sm:grid-cols-2" aria-label="Order">
        <dl class="admin-facts">
          <dt>Status</dt>
          <dd>
            <span class={`status-pill status-${order.status}`}>{statusLabels[order.status]}</span>
            {order.cancelReason && <span class="block">Reason: {order.cancelReason}</span>}
          </dd>
          <dt>Pickup</dt>
          <dd>
            {order.pickupAsap ? "As soon as possible, around " : ""}
            {dateTime(order.pickupAt)}
          </dd>
          <dt>Placed</dt>
          <dd>{dateTime(order.placedAt)}</dd>
        </dl>
        <dl class="admin-facts">
          <dt>Customer</dt>
          <dd>
            <a class="text-link" href={`/admin/users/${parties.customer.id}`}>
              {parties.customer.name}
            </a>
            <span class="block">{parties.customer.email}</span>
          </dd>
          <dt>Note</dt>
          <dd>{order.note || "—"}</dd>
        </dl>
      </section>
      <section class="panel" aria-labelledby="admin-items-heading">
        <h2 id="admin-items-heading" class="section-heading">Items</h2>
        <DataTable inset columns={["Product", "Unit price", "Quantity", "Line"]}>
          {items.map((i) => (
            <tr>
              <td data-label="Product">{i.name}</td>
              <td data-label="Unit price">{money(i.unitPriceCents)}</td>
              <td data-label="Quantity">{i.quantity}</td>
              <td data-label="Line">{money(i.unitPriceCents * i.quantity)}</td>
            </tr>
          ))}
        </DataTable>
        <dl class="summary mt-3">
          <dt>Subtotal</dt>
          <dd>{money(order.subtotalCents)}</dd>
          <dt>
            Discount{order.couponCode && (
              <>
                {" "}(coupon {parties.couponId
                  ? (
                    <a
                      class="font-semibold text-brown underline"
                      href={`/admin/coupons/${parties.couponId}`}
                    >
                      {order.couponCode}
                    </a>
                  )
                  : order.couponCode})
              </>
            )}
          </dt>
          <dd>−{money(order.discountCents)}</dd>
          <dt class="font-semibold">Total</dt>
          <dd class="font-semibold">{money(order.totalCents)}</dd>
        </dl>
      </section>
      {open && (
        <section class="panel grid gap-6 sm:grid-cols-2" aria-labelledby="order-actions-heading">
          <h2 id="order-actions-heading" class="section-heading sm:col-span-2">Actions</h2>
          <StatusForm {...props} />
          <CancelForm {...props} />
        </section>
      )}
      <section class="panel" aria-labelledby="admin-history-heading">
        <h2 id="admin-history-heading" class="section-heading">Status history</h2>
        <ol class="flex flex-col gap-2">
          {history.map((h) => (
            <li>
              <strong>{statusLabels[h.toStatus]}</strong>{" "}
              <span class="text-ink-soft">
                {dateTime(h.at)} · {h.actorName ?? "—"}
              </span>
              {h.reason && <span class="block">“{h.reason}”</span>}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

export function OrderAdminPage(
  props: OrderDetailView & { shop: ShopView; viewer: Viewer; flash?: string; error?: string },
) {
  return (
    <AdminLayout
      shop={props.shop}
      viewer={props.viewer}
      area="orders"
      title={`Order ${props.order.code}`}
      flash={props.flash}
      error={props.error}
    >
      <p>
        <a class="text-link" href="/admin/orders">← All orders</a>
      </p>
      <OrderDetail {...props} />
    </AdminLayout>
  );
}
