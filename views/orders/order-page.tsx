import type { OrderItemRow, OrderRow, StatusChangeRow } from "../../src/orders/queries.ts";
import { statusLabels } from "../../src/orders/status.ts";
import type { ShopView, Viewer } from "../context.ts";
import { formatMoney } from "../format.ts";
import { Layout } from "../layout.tsx";
import { CsrfField, ErrorBanner, Flash } from "../accounts/form-parts.tsx";
import { OrderProgress } from "./order-status.tsx";

export interface OrderPageProps {
  shop: ShopView;
  viewer: Viewer;
  order: OrderRow;
  items: OrderItemRow[];
  history: StatusChangeRow[];
  justPlaced: boolean;
  error?: string;
  flash?: string;
  dateTime: (at: Date) => string;
}

/** An order: its code for the counter, pickup time, live status, lines and history. */
export function OrderPage(props: OrderPageProps) {
  const { shop, order, items } = props;
  const money = (cents: number) => formatMoney(cents, shop.currency, shop.locale);
  return (
    <Layout
      shop={shop}
      title={`Order ${order.code}`}
      section="account"
      viewer={props.viewer}
      live
    >
      <div hx-sse:connect={`/orders/${order.id}/events`} hx-swap="none" hidden></div>
      <div class="max-w-3xl mx-auto flex flex-col gap-6">
        {props.justPlaced && (
          <p class="flash" role="status">
            Thank you! Your order is in. We will have it ready for you.
          </p>
        )}
        <Flash message={props.flash} />
        <ErrorBanner id="order-error" message={props.error} />
        <header class="panel flex flex-wrap items-center justify-between gap-4">
          <div>
            <p class="text-sm text-ink-soft">Order</p>
            <h1 class="font-display text-5xl font-bold text-brown" data-order-code={order.code}>
              {order.code}
            </h1>
            <p class="mt-1">Show this code at the counter.</p>
          </div>
          <div class="text-right">
            <p class="text-sm text-ink-soft">Pickup</p>
            <p class="text-xl font-semibold">
              {order.pickupAsap ? "As soon as possible, around " : ""}
              {props.dateTime(order.pickupAt)}
            </p>
          </div>
        </header>
        <OrderProgress orderId={order.id} status={order.status} />
        <section class="panel" aria-labelledby="items-heading">
          <h2 id="items-heading" class="section-heading">What you ordered</h2>
          <ul class="flex flex-col gap-1">
            {items.map((i) => (
              <li class="flex justify-between gap-2">
                <span>{i.quantity} × {i.name}</span>
                <span>{money(i.unitPriceCents * i.quantity)}</span>
              </li>
            ))}
          </ul>
          <dl class="summary mt-3">
            <dt>Subtotal</dt>
            <dd>{money(order.subtotalCents)}</dd>
            {order.discountCents > 0 && (
              <>
                <dt>Coupon {order.couponCode}</dt>
                <dd>−{money(order.discountCents)}</dd>
              </>
            )}
            <dt class="font-semibold">Total, paid at pickup</dt>
            <dd class="font-semibold">{money(order.totalCents)}</dd>
          </dl>
          {order.note && <p class="mt-3 text-sm">Your note: “{order.note}”</p>}
          {order.cancelReason && <p class="mt-3 text-sm">Cancelled: {order.cancelReason}</p>}
        </section>
        <section class="panel" aria-labelledby="history-heading">
          <h2 id="history-heading" class="section-heading">History</h2>
          <ol class="flex flex-col gap-1 text-sm">
            {props.history.map((h) => (
              <li>
                <time datetime={h.at.toISOString()}>{props.dateTime(h.at)}</time>:{" "}
                {statusLabels[h.toStatus]}
                {h.reason ? ` (${h.reason})` : ""}
              </li>
            ))}
          </ol>
        </section>
        <div id={`order-actions-${order.id}`}>
          {order.status === "placed" && (
            <form
              method="post"
              action={`/orders/${order.id}/cancel`}
              class="panel flex flex-col gap-2"
            >
              <CsrfField token={props.viewer.csrfToken()} />
              <p>Changed your mind? You can cancel until we start preparing it.</p>
              <div>
                <button type="submit" class="btn-secondary">Cancel this order</button>
              </div>
            </form>
          )}
        </div>
        <p>
          <a href="/account/orders" class="text-link">All your orders</a>
        </p>
      </div>
    </Layout>
  );
}
