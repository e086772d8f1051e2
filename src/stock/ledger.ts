import type { Tx } from "../infra/db.ts";

/**
 * Why stock changes. The database writes a movement for every change of a product's stock
 * and of a date's plan (see the stock ledger migration); the transaction making the change
 * names its reason, who made it and for which order first, here.
 */
export type StockReason =
  | "bake"
  | "waste"
  | "correction"
  | "set"
  | "sale"
  | "order"
  | "cancellation"
  | "plan"
  | "opening"
  | "sold_out"
  | "not_collected";

export interface StockContext {
  reason: StockReason;
  actorId?: number | null;
  orderId?: number | null;
  note?: string;
}

/** Names the reason for the stock changes that follow in this transaction. */
export async function stockContext(tx: Tx, c: StockContext) {
  await tx`
    select set_config('crumb.stock_reason', ${c.reason}, true),
      set_config('crumb.stock_actor', ${c.actorId ? String(c.actorId) : ""}, true),
      set_config('crumb.stock_order', ${c.orderId ? String(c.orderId) : ""}, true),
      set_config('crumb.stock_note', ${c.note ?? ""}, true)`;
}

/** An order's takes were written before the order existed: they are its, now it does. */
export async function claimOrderMovements(tx: Tx, orderId: number) {
  // Other transactions' unassigned rows are not visible until they commit, and each assigns
  // its own before it commits: every row found here is this order's.
  await tx`
    update stock_movements set order_id = ${orderId}
    where reason = 'order' and order_id is null`;
}

/** Words for a movement's reason, as the stock history shows it. */
export const reasonWords: Record<StockReason, string> = {
  bake: "Baked",
  waste: "Waste",
  correction: "Correction",
  set: "Counted",
  sale: "Sold over the counter",
  order: "Order",
  cancellation: "Cancelled order back",
  plan: "Plan",
  opening: "Opening balance",
  sold_out: "Marked sold out",
  not_collected: "Not collected, back on sale",
};
