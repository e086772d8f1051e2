import type { Sql, Tx } from "../infra/db.ts";
import { AppError } from "../http/errors.ts";
import { releaseCoupon } from "../coupons/queries.ts";
import { enqueue, ORDERS_QUEUE } from "../outbox/outbox.ts";
import type { Role } from "../accounts/roles.ts";
import { findOrder, insertStatusChange, type OrderRow } from "./queries.ts";
import { giveBack, type GivenBack } from "../bakery/take.ts";
import { stockContext } from "../stock/ledger.ts";
import { canBecome, type OrderStatus, statusWord, stepBack } from "./status.ts";

/** Customers may cancel only what the kitchen has not started. */
const TOO_LATE_TO_CANCEL =
  "The kitchen has already started this order, so it can no longer be cancelled here. " +
  "Please call the shop.";

export interface StatusActor {
  id: number;
  role: Role;
}

export interface StatusChange {
  order: OrderRow;
  from: OrderStatus;
  /** New shelf stock of restocked products (a cancellation puts its items back). */
  stock: { id: number; stock: number }[];
  /** What the order's date has left of the daily products it gave back. */
  plan: GivenBack["plan"];
}

/**
 * Moves an order one step through its life, in one transaction: the status (only along an
 * allowed transition, from the status the caller saw when given), the history row, what a
 * cancelled order took (seat, plan, stock) given back, and the `order.status_changed` event.
 * Customers may only cancel their own order while it is still `placed`.
 */
export async function changeOrderStatus(
  sql: Sql,
  change: {
    orderId: number;
    to: OrderStatus;
    actor: StatusActor;
    reason?: string;
    /** The status the caller saw: a concurrent change makes this a 409, not a double step. */
    expectedFrom?: OrderStatus;
    /** Staff undoing or recalling: one step back along `stepBack` is allowed too. */
    back?: boolean;
    /** Where the change came from, for the audit entry the worker writes from its history. */
    meta?: { ip: string; userAgent: string };
    /**
     * A Ready order nobody collected: its goods go back on sale ("restock") or are recorded
     * as waste ("waste"), as the shop chooses.
     */
    notCollected?: "restock" | "waste";
  },
): Promise<StatusChange> {
  return await sql.begin(async (tx) => {
    const [current] = await tx<{ status: OrderStatus; userId: number }[]>`
      select status, user_id from orders where id = ${change.orderId} for update`;
    const isStaff = change.actor.role === "staff" || change.actor.role === "admin";
    if (!current || (!isStaff && current.userId !== change.actor.id)) {
      throw new AppError(404, "not_found", "That order could not be found.");
    }
    const from = current.status;
    if (change.expectedFrom && change.expectedFrom !== from) {
      throw new AppError(
        409,
        "status_changed",
        `This order is already ${statusWord(from)}.`,
      );
    }
    if (!isStaff && change.to === "cancelled" && from !== "placed" && from !== "cancelled") {
      throw new AppError(
        409,
        "too_late",
        from === "picked_up"
          ? "This order was already picked up, so it can no longer be cancelled."
          : TOO_LATE_TO_CANCEL,
      );
    }
    if (change.notCollected && (from !== "ready" || change.to !== "cancelled")) {
      throw new AppError(
        409,
        "illegal_transition",
        `Only a ready order can be left not collected; this one is ${statusWord(from)}.`,
      );
    }
    const stepsBack = change.back === true && isStaff && stepBack[from] === change.to;
    if (!canBecome(from, change.to) && !stepsBack) {
      throw new AppError(
        409,
        "illegal_transition",
        `An order that is ${statusWord(from)} cannot become ${statusWord(change.to)}.`,
      );
    }
    if (!isStaff && !(change.to === "cancelled" && from === "placed")) {
      throw new AppError(
        409,
        "too_late",
        TOO_LATE_TO_CANCEL,
      );
    }
    const reason = change.reason?.trim() || null;
    // A step back puts the order back as it was, with the time it first reached that status:
    // undoing a slip must not make a ticket that has waited ten minutes look new.
    const since = stepsBack && !canBecome(from, change.to)
      ? tx`(select min(at) from order_status_history
            where order_id = ${change.orderId} and to_status = ${change.to})`
      : tx`now()`;
    await tx`
      update orders set status = ${change.to},
        status_changed_at = coalesce(${since}, now()), updated_at = now(),
        cancel_reason = ${change.to === "cancelled" ? reason : null}
      where id = ${change.orderId}`;
    await insertStatusChange(tx, {
      orderId: change.orderId,
      from,
      to: change.to,
      actorId: change.actor.id,
      reason,
      ip: change.meta?.ip,
      userAgent: change.meta?.userAgent,
    });
    // The seat, the date's plan and the shelf stock it took come back with the cancellation.
    let given: GivenBack = { stock: [], plan: null };
    if (change.to === "cancelled") {
      // The seat and the lines first, then the coupon's use: the order a checkout takes their
      // locks in, so the two cannot deadlock.
      await stockContext(tx, {
        reason: change.notCollected === "restock" ? "not_collected" : "cancellation",
        actorId: change.actor.id,
        orderId: change.orderId,
        note: reason ?? "",
      });
      given = await giveBack(tx, change.orderId, change.notCollected !== "waste");
      if (change.notCollected === "waste") {
        await recordWaste(tx, change.orderId, change.actor.id);
      }
      await releaseCoupon(tx, change.orderId);
    }
    // Only the id: the worker reads what changed, who did it and why from the history row.
    await enqueue(tx, {
      queue: ORDERS_QUEUE,
      type: "order.status_changed",
      payload: { orderId: change.orderId },
    });
    return { order: (await findOrder(tx, change.orderId))!, from, ...given };
  });
}

/**
 * Goods of an uncollected order thrown away: the stock was taken when it was ordered, so the
 * ledger gets a row per line that changes nothing and says what went to waste.
 */
async function recordWaste(tx: Tx, orderId: number, actorId: number) {
  await tx`
    insert into stock_movements (product_id, delta, stock_after, reason, note, actor_id,
      order_id, plan_date)
    select i.product_id, 0,
      case when i.source = 'plan' then coalesce(d.remaining, 0) else p.stock end,
      'waste', 'Not collected: ' || i.quantity || ' thrown away', ${actorId}, ${orderId},
      case when i.source = 'plan' then o.pickup_date end
    from order_items i
    join orders o on o.id = i.order_id
    join products p on p.id = i.product_id
    left join product_days d on d.product_id = i.product_id and d.date = o.pickup_date
    where i.order_id = ${orderId} and i.source <> 'none'
    order by i.product_id`;
}
