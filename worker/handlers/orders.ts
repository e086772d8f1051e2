import { z } from "zod";
import type { Tx } from "../../src/infra/db.ts";
import type { JobHandler, JobMessage } from "../../src/infra/queue.ts";
import { recordAudit } from "../../src/audit/record.ts";
import { findOrder, orderItems } from "../../src/orders/queries.ts";
import { statuses } from "../../src/orders/status.ts";
import { ORDERS_QUEUE } from "../../src/outbox/outbox.ts";
import { type NotificationRow, recordNotification } from "../../src/notify/queries.ts";
import { deliver, type NotifyDeps } from "./deliver.ts";
import { onceByMessageId } from "./once.ts";

const placed = z.object({ orderId: z.number().int().positive() });
const statusChanged = z.object({
  orderId: z.number().int().positive(),
  from: z.enum(statuses),
  to: z.enum(statuses),
  actorId: z.number().int().nullable(),
  reason: z.string().nullable().optional(),
  ip: z.string().nullable().optional(),
  userAgent: z.string().nullable().optional(),
});

/**
 * Order events: the audit trail, the confirmation to the customer, and the "ready for
 * pickup" and cancellation notices. Notifications are recorded in the same transaction as
 * the message id, then mailed (when SMTP is configured) after it commits.
 */
export function ordersHandler(deps: NotifyDeps): JobHandler {
  return async (message) => {
    const recorded: NotificationRow[] = [];
    await onceByMessageId(deps.sql, ORDERS_QUEUE, message, async (tx) => {
      const note = await handle(tx, deps, message);
      if (note) recorded.push(note);
    });
    await deliver(deps, recorded);
  };
}

async function customerOf(tx: Tx, orderId: number) {
  const order = await findOrder(tx, orderId);
  if (!order) throw new Error(`order ${orderId} does not exist`);
  const [user] = await tx<{ email: string; name: string }[]>`
    select email, name from users where id = ${order.userId}`;
  return { order, user };
}

async function handle(tx: Tx, deps: NotifyDeps, message: JobMessage) {
  switch (message.type) {
    case "order.placed": {
      const { orderId } = placed.parse(message.payload);
      const { order, user } = await customerOf(tx, orderId);
      const items = await orderItems(tx, orderId);
      await recordAudit(tx, {
        actorId: order.userId,
        action: "order.placed",
        entityType: "order",
        entityId: orderId,
        details: { code: order.code, totalCents: order.totalCents },
      });
      const lines = items.map((i) => `  ${i.quantity} × ${i.name}`).join("\n");
      return await recordNotification(tx, {
        messageId: message.id,
        userId: order.userId,
        orderId,
        kind: "order_confirmation",
        recipient: user.email,
        subject: `Your order ${order.code} is confirmed`,
        body: `Hello ${user.name},\n\nthank you for your order ${order.code}:\n${lines}\n\n` +
          `Total: ${deps.money(order.totalCents)}\n` +
          `Pickup: ${deps.dateTime(order.pickupAt)}\n\n` +
          `We will tell you when it is ready.\n${deps.shopName}`,
      });
    }
    case "order.status_changed": {
      const change = statusChanged.parse(message.payload);
      const { order, user } = await customerOf(tx, change.orderId);
      await recordAudit(tx, {
        actorId: change.actorId,
        action: "order.status_changed",
        entityType: "order",
        entityId: change.orderId,
        details: { code: order.code, from: change.from, to: change.to, reason: change.reason },
        ip: change.ip ?? undefined,
        userAgent: change.userAgent ?? undefined,
      });
      if (change.to === "ready") {
        return await recordNotification(tx, {
          messageId: message.id,
          userId: order.userId,
          orderId: order.id,
          kind: "order_ready",
          recipient: user.email,
          subject: `Order ${order.code} is ready for pickup`,
          body: `Hello ${user.name},\n\nyour order ${order.code} is ready. ` +
            `Show the code ${order.code} at the counter.\n\n${deps.shopName}`,
        });
      }
      if (change.to === "cancelled") {
        return await recordNotification(tx, {
          messageId: message.id,
          userId: order.userId,
          orderId: order.id,
          kind: "order_cancelled",
          recipient: user.email,
          subject: `Order ${order.code} was cancelled`,
          body: `Hello ${user.name},\n\nyour order ${order.code} was cancelled` +
            `${change.reason ? `: ${change.reason}` : ""}. ` +
            `Nothing will be charged at the counter.\n\n${deps.shopName}`,
        });
      }
      return null;
    }
    default:
      throw new Error(`orders cannot handle messages of type ${message.type}`);
  }
}
