/** An order's life: placed → baking → ready → picked_up, and placed | baking → cancelled. */
export const statuses = ["placed", "baking", "ready", "picked_up", "cancelled"] as const;
export type OrderStatus = typeof statuses[number];

export const transitions: Record<OrderStatus, OrderStatus[]> = {
  placed: ["baking", "cancelled"],
  baking: ["ready", "cancelled"],
  ready: ["picked_up"],
  picked_up: [],
  cancelled: [],
};

export const canBecome = (from: OrderStatus, to: OrderStatus) => transitions[from].includes(to);

/**
 * One step back, for staff only: undoing a bump a moment after it, or recalling an order
 * that was marked picked up by mistake. A cancelled order stays cancelled (it was restocked).
 */
export const stepBack: Partial<Record<OrderStatus, OrderStatus>> = {
  baking: "placed",
  ready: "baking",
  picked_up: "ready",
};

/** The status a bump moves an order to. */
export const nextStatus: Partial<Record<OrderStatus, OrderStatus>> = {
  placed: "baking",
  baking: "ready",
  ready: "picked_up",
};

export const statusLabels: Record<OrderStatus, string> = {
  placed: "Received",
  baking: "Being prepared",
  ready: "Ready for pickup",
  picked_up: "Picked up",
  cancelled: "Cancelled",
};

export const openStatuses: OrderStatus[] = ["placed", "baking", "ready"];
