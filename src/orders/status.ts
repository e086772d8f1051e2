/**
 * An order's life: placed → baking → ready → picked_up, and cancelled before it is picked
 * up (a ready order the customer does not want, with a reason).
 */
export const statuses = ["placed", "baking", "ready", "picked_up", "cancelled"] as const;
export type OrderStatus = typeof statuses[number];

export const transitions: Record<OrderStatus, OrderStatus[]> = {
  placed: ["baking", "cancelled"],
  baking: ["ready", "cancelled"],
  ready: ["picked_up", "cancelled"],
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

/**
 * The one set of words for an order's status, on the board, the admin screens, the
 * customer's pages, exports and mails: the board's columns are these words.
 */
export const statusLabels: Record<OrderStatus, string> = {
  placed: "New",
  baking: "Baking",
  ready: "Ready",
  picked_up: "Picked up",
  cancelled: "Cancelled",
};

/** The status inside a sentence: "new", "baking", "picked up". */
export const statusWord = (status: OrderStatus) => statusLabels[status].toLowerCase();

export const openStatuses: OrderStatus[] = ["placed", "baking", "ready"];
