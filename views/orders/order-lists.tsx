import type { NotificationRow } from "../../src/notify/queries.ts";
import type { OrderRow } from "../../src/orders/queries.ts";
import { statusLabels } from "../../src/orders/status.ts";
import type { ShopView, Viewer } from "../context.ts";
import { formatMoney } from "../format.ts";
import { Layout } from "../layout.tsx";

type ListedOrder = OrderRow & { itemCount: number };

export function OrderTable(
  { shop, orders, dateTime }: {
    shop: ShopView;
    orders: ListedOrder[];
    dateTime: (at: Date) => string;
  },
) {
  if (orders.length === 0) {
    return (
      <p>
        No orders yet. <a href="/" class="text-link">Browse the bakery</a>
      </p>
    );
  }
  return (
    <ul class="flex flex-col divide-y divide-crust/15">
      {orders.map((o) => (
        <li class="order-row py-3 flex flex-wrap items-center justify-between gap-x-4 gap-y-1">
          {/* When to come for it leads: that is what a customer looks up. */}
          <p class="w-full sm:w-auto sm:min-w-48">
            <span class="text-sm text-ink-soft block">Pickup</span>
            <time class="font-semibold text-lg" datetime={o.pickupAt.toISOString()}>
              {o.pickupAsap ? "As soon as possible, around " : ""}
              {dateTime(o.pickupAt)}
            </time>
          </p>
          <a href={`/orders/${o.id}`} class="text-link font-semibold">
            <span class="sr-only">Order</span> {o.code}
          </a>
          <span class="text-sm">
            {o.itemCount} {o.itemCount === 1 ? "item" : "items"}
          </span>
          <span class="text-sm">{formatMoney(o.totalCents, shop.currency, shop.locale)}</span>
          <span class={`status-pill status-${o.status}`}>{statusLabels[o.status]}</span>
          <span class="text-xs text-ink-soft w-full">
            Placed <time datetime={o.placedAt.toISOString()}>{dateTime(o.placedAt)}</time>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The orders and notifications parts of the account page. */
export function AccountActivity(
  { shop, orders, total, notifications, dateTime }: {
    shop: ShopView;
    orders: ListedOrder[];
    total: number;
    notifications: NotificationRow[];
    dateTime: (at: Date) => string;
  },
) {
  return (
    <>
      <section id="section-orders" class="panel" aria-labelledby="orders-heading">
        <h2 id="orders-heading" class="section-heading">Your orders</h2>
        <OrderTable shop={shop} orders={orders} dateTime={dateTime} />
        {total > orders.length && (
          <p class="mt-3">
            <a href="/account/orders" class="text-link">All {total} orders</a>
          </p>
        )}
      </section>
      <section id="section-notifications" class="panel" aria-labelledby="notifications-heading">
        <h2 id="notifications-heading" class="section-heading">Messages from the shop</h2>
        {notifications.length === 0 ? <p>No messages yet.</p> : (
          <ul class="flex flex-col gap-3">
            {notifications.map((n) => (
              <li>
                <details>
                  <summary class="cursor-pointer min-h-11 py-2">
                    <span class="font-semibold">{n.subject}</span>{" "}
                    <span class="text-sm text-ink-soft">· {dateTime(n.createdAt)}</span>
                  </summary>
                  <p class="whitespace-pre-line text-sm mt-1">{n.body}</p>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export function OrderHistoryPage(
  props: {
    shop: ShopView;
    viewer: Viewer;
    orders: ListedOrder[];
    page: number;
    pageCount: number;
    dateTime: (at: Date) => string;
  },
) {
  return (
    <Layout shop={props.shop} title="Your orders" section="account" viewer={props.viewer}>
      <div class="max-w-3xl mx-auto flex flex-col gap-6">
        <h1 class="font-display text-3xl font-bold text-brown">Your orders</h1>
        <section class="panel">
          <OrderTable shop={props.shop} orders={props.orders} dateTime={props.dateTime} />
        </section>
        {props.pageCount > 1 && (
          <nav aria-label="Pages" class="flex items-center justify-center gap-3">
            {props.page > 1 && (
              <a class="btn-secondary" href={`/account/orders?page=${props.page - 1}`} rel="prev">
                ← Newer
              </a>
            )}
            <span class="text-sm">Page {props.page} of {props.pageCount}</span>
            {props.page < props.pageCount && (
              <a class="btn-secondary" href={`/account/orders?page=${props.page + 1}`} rel="next">
                Older →
              </a>
            )}
          </nav>
        )}
      </div>
    </Layout>
  );
}
