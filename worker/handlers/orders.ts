import { z } from "zod";
import type { Tx } from "../../src/infra/db.ts";
import type { JobHandler, JobMessage } from "../../src/infra/queue.ts";
import { recordAudit } from "../../src/audit/record.ts";
import {
  findOrder,
  orderItems,
  type OrderRow,
  type RecordedChange,
  takeUnannouncedChanges,
} from "../../src/orders/queries.ts";
import { ORDERS_QUEUE } from "../../src/outbox/outbox.ts";
import { refreshOrderRollups } from "../../src/analytics/rollups.ts";
import { type NotificationRow, recordNotification } from "../../src/notify/queries.ts";
import { deliver, type NotifyDeps } from "./deliver.ts";
import { onceByMessageId } from "./once.ts";

/**
 * An order event names the order and nothing else that is believed: a status, an actor, a
 * reason or an address in the message is ignored. (Events written before they carried only
 * the id still parse.)
 */
const orderEvent = z.object({ orderId: z.number().int().positive().max(2_147_483_647) });
const orderEvents = new Set(["order.placed", "order.status_changed"]);

/**
 * Order events: the audit trail, the confirmation to the customer, and the "ready for
 * pickup" and cancellation notices. The handler reads the order and the changes of its
 * status history that were not announced yet, and announces those, each once: a forged or
 * repeated message can at most make it look again and find nothing new. Notifications are
 * recorded in the same transaction, then mailed (when SMTP is configured) after it commits.
 * The sales rollups of the order's days are recomputed in that transaction too.
 */
export function ordersHandler(deps: NotifyDeps): JobHandler {
  return async (message) => {
    const recorded: NotificationRow[] = [];
    await onceByMessageId(deps.sql, ORDERS_QUEUE, message, async (tx) => {
      if (!orderEvents.has(message.type)) {
        throw new Error(`orders cannot handle messages of type ${message.type}`);
      }
      const { orderId } = orderEvent.parse(message.payload);
      const order = await findOrder(tx, orderId);
      if (!order) throw new Error(`order ${orderId} does not exist`);
      const [customer] = await tx<{ email: string; name: string }[]>`
        select email, name from users where id = ${order.userId}`;
      for (const change of await takeUnannouncedChanges(tx, orderId)) {
        const note = await announce(tx, deps, message, { order, customer }, change);
        if (note) recorded.push(note);
      }
      await refreshOrderRollups(tx, orderId, deps.timeZone);
    });
    await deliver(deps, recorded);
  };
}

interface OrderOfCustomer {
  order: OrderRow;
  customer: { email: string; name: string };
}

async function announce(
  tx: Tx,
  deps: NotifyDeps,
  message: JobMessage,
  { order, customer }: OrderOfCustomer,
  change: RecordedChange,
) {
  const notify = (kind: string, subject: string, body: string) =>
    recordNotification(tx, {
      messageId: message.id,
      userId: order.userId,
      orderId: order.id,
      kind,
      recipient: customer.email,
      subject,
      body: `Hello ${customer.name},\n\n${body}\n\n${deps.shopName}`,
    });

  if (change.fromStatus === null) {
    await recordAudit(tx, {
      actorId: order.userId,
      action: "order.placed",
      entityType: "order",
      entityId: order.id,
      details: { code: order.code, totalCents: order.totalCents },
    });
    const items = await orderItems(tx, order.id);
    const lines = items.map((i) => `  ${i.quantity} × ${i.name}`).join("\n");
    return await notify(
      "order_confirmation",
      `Your order ${order.code} is confirmed`,
      `thank you for your order ${order.code}:\n${lines}\n\n` +
        `Total: ${deps.money(order.totalCents)}\n` +
        `Pickup: ${deps.dateTime(order.pickupAt)}\n\n` +
        `We will tell you when it is ready.`,
    );
  }

  await recordAudit(tx, {
    actorId: change.actorId,
    action: "order.status_changed",
    entityType: "order",
    entityId: order.id,
    details: {
      code: order.code,
      from: change.fromStatus,
      to: change.toStatus,
      reason: change.reason,
    },
    ip: change.ip ?? undefined,
    userAgent: change.userAgent ?? undefined,
  });
  // A "ready" the order has already moved past (picked up while the worker was away) would
  // only confuse: the customer hears of it only while it is still true.
  if (change.toStatus === "ready" && order.status === "ready") {
    return await notify(
      "order_ready",
      `Order ${order.code} is ready for pickup`,
      `your order ${order.code} is ready. Show the code ${order.code} at the counter.`,
    );
  }
  if (change.toStatus === "cancelled") {
    return await notify(
      "order_cancelled",
      `Order ${order.code} was cancelled`,
      `your order ${order.code} was cancelled${change.reason ? `: ${change.reason}` : ""}. ` +
        `Nothing will be charged at the counter.`,
    );
  }
  return null;
}
