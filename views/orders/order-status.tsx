import { type OrderStatus, statuses, statusLabels } from "../../src/orders/status.ts";

/** Where the order is: the steps, the current one marked. The same markup goes out live. */
/** Once an order is past "placed" the cancel form goes away, live as well. */
export function OrderActionsGone({ orderId }: { orderId: number }) {
  return <div id={`order-actions-${orderId}`} hx-swap-oob="true"></div>;
}

/**
 * The order's status for screen readers: a live region that stays in the page while live
 * updates fill it (a region replaced with each update may never be announced).
 */
export function OrderStatusNews(
  { orderId, status, outOfBand }: { orderId: number; status?: OrderStatus; outOfBand?: boolean },
) {
  return (
    <p
      id={`order-status-news-${orderId}`}
      class="sr-only"
      role="status"
      hx-swap-oob={outOfBand ? "innerHTML" : undefined}
    >
      {status ? `Order status: ${statusLabels[status]}` : ""}
    </p>
  );
}

/** The steps, and with `outOfBand` (a live update) the status news beside them. */
export function OrderProgress(
  { orderId, status, outOfBand }: { orderId: number; status: OrderStatus; outOfBand?: boolean },
) {
  if (!outOfBand) return <OrderSteps orderId={orderId} status={status} />;
  return (
    <>
      <OrderSteps orderId={orderId} status={status} outOfBand />
      <OrderStatusNews orderId={orderId} status={status} outOfBand />
    </>
  );
}

function OrderSteps(
  { orderId, status, outOfBand }: { orderId: number; status: OrderStatus; outOfBand?: boolean },
) {
  const steps: OrderStatus[] = statuses.filter((s) => s !== "cancelled");
  const reached = steps.indexOf(status);
  return (
    <section
      id={`order-status-${orderId}`}
      hx-swap-oob={outOfBand ? "true" : undefined}
      class="order-progress"
      data-status={status}
      aria-label="Order status"
    >
      {status === "cancelled" ? <p class="order-cancelled">This order was cancelled.</p> : (
        <ol>
          {steps.map((step, i) => (
            <li
              class={i < reached ? "done" : i === reached ? "current" : "todo"}
              aria-current={i === reached ? "step" : undefined}
            >
              {statusLabels[step]}
            </li>
          ))}
        </ol>
      )}
      <p class="sr-only">Status: {statusLabels[status]}</p>
    </section>
  );
}
