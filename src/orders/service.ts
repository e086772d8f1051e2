import type { Sql } from "../infra/db.ts";
import type { LiveHub } from "../live/hub.ts";
import { errorFields, type Logger } from "../infra/log.ts";
import { AppError } from "../http/errors.ts";
import type { Bakery } from "../bakery/service.ts";
import { pickupKey } from "../bakery/slots.ts";
import type { BookingRules } from "../bakery/take.ts";
import { previewCoupon } from "../coupons/preview.ts";
import { localParts } from "../shop/hours.ts";
import { OrderActionsGone, OrderProgress } from "../../views/orders/order-status.tsx";
import { changeOrderStatus, type StatusActor } from "./lifecycle.ts";
import {
  earlierOrder,
  type PlacedOrder,
  placeOrder,
  type PlaceOrderInput,
  requestHash,
} from "./place.ts";
import { overProductCap, productCapMessage } from "./line-cap.ts";
import { findOrder, orderHistory, orderItems, type OrderRow, ordersOfUser } from "./queries.ts";
import type { OrderStatus } from "./status.ts";

export interface OrdersDeps {
  sql: Sql;
  live: LiveHub;
  /** Wakes the outbox relay after a commit that wrote events. */
  relay: { afterCommit(): unknown };
  /**
   * Told after every committed change (the order board, the pickup screen, the dashboard);
   * `arrival` when the order was just placed.
   */
  onChange?: (order: OrderRow, change: { arrival: boolean }) => Promise<unknown>;
  log: Logger;
  /** Days, slots and live remaining of the bakery. */
  bakery: Bakery;
  pickup: BookingRules;
  currency: string;
  money: (cents: number) => string;
  date: (at: Date) => string;
  now: () => Date;
}

export const orderTopic = (orderId: number) => `order:${orderId}`;

/** Tells the customer's open order page where the order is now. */
async function publishOrder(live: LiveHub, order: OrderRow) {
  const progress = String(
    OrderProgress({ orderId: order.id, status: order.status, outOfBand: true }),
  );
  const actions = order.status === "placed" ? "" : String(OrderActionsGone({ orderId: order.id }));
  await live.publish(orderTopic(order.id), { data: progress + actions });
}

export function createOrders(deps: OrdersDeps) {
  const { sql, live, now } = deps;

  /**
   * After a commit, beside the response (never awaited by it): live pages and the relay hear
   * of it. A failure here loses nothing: the change is committed, the outbox relay retries
   * on its own, and live pages catch up by event id or on their next change. It is logged.
   */
  const announce = (
    order: OrderRow,
    taken: Pick<PlacedOrder, "stock" | "plan">,
    arrival: boolean,
  ) => {
    deps.relay.afterCommit();
    const fanOut = [
      ["stock", () => deps.bakery.announce({ shelf: taken.stock, plan: taken.plan })],
      ["order page", () => publishOrder(live, order)],
      ["board", () => deps.onChange?.(order, { arrival })],
    ] as const;
    for (const [what, publish] of fanOut) {
      // Called inside the promise chain so a synchronous throw is caught and logged too.
      Promise.resolve().then(publish).catch((error) =>
        deps.log.warn("live update not published", {
          what,
          orderId: order.id,
          ...errorFields(error),
        })
      );
    }
  };

  return {
    async place(input: PlaceOrderInput): Promise<PlacedOrder> {
      if (input.idempotencyKey) {
        // A retry finds its order even when its pickup time has passed or its cart is empty.
        const hash = await requestHash({
          ...input,
          pickupAt: pickupKey(input.pickup, deps.pickup.timeZone),
        });
        const earlier = await earlierOrder(sql, input.userId, input.idempotencyKey, hash);
        if (earlier) return { order: earlier, replayed: true, stock: [], plan: null };
      }
      // Every caller, not only the API's schema: lines of one product are summed first.
      const over = overProductCap(input.items);
      if (over) {
        const message = productCapMessage(over);
        throw new AppError(400, "validation_failed", message, { items: message });
      }
      const placed = await placeOrder({
        sql,
        currency: deps.currency,
        shopDay: () => localParts(now(), deps.pickup.timeZone).date,
        now,
        money: deps.money,
        date: deps.date,
        rules: deps.pickup,
      }, input);
      if (!placed.replayed) announce(placed.order, placed, true);
      return placed;
    },

    async changeStatus(
      orderId: number,
      to: OrderStatus,
      actor: StatusActor,
      options: {
        reason?: string;
        expectedFrom?: OrderStatus;
        back?: boolean;
        meta?: { ip: string; userAgent: string };
        notCollected?: "restock" | "waste";
      } = {},
    ) {
      const change = await changeOrderStatus(sql, { orderId, to, actor, ...options });
      announce(change.order, change, false);
      return change;
    },

    /** One order with its lines and history; customers see only their own. */
    async detail(orderId: number, viewer: StatusActor) {
      const order = await findOrder(sql, orderId);
      const mayView = order &&
        (order.userId === viewer.id || viewer.role === "staff" || viewer.role === "admin");
      if (!mayView) throw new AppError(404, "not_found", "That order could not be found.");
      const [items, history] = await Promise.all([
        orderItems(sql, orderId),
        orderHistory(sql, orderId),
      ]);
      return { order, items, history };
    },

    list: (userId: number, page: { limit: number; offset: number }) =>
      ordersOfUser(sql, userId, page),

    previewCoupon: (code: string, userId: number, subtotalCents: number) =>
      previewCoupon(sql, {
        code,
        userId,
        subtotalCents,
        now: now(),
        money: deps.money,
        date: deps.date,
      }),
  };
}

export type Orders = ReturnType<typeof createOrders>;
