import type { OrderStatus } from "../orders/status.ts";

/** When a ticket turns amber and red (minutes). The browser applies the same rules as time passes. */
export interface AgingRules {
  /** Amber this long before pickup, red at pickup time. */
  amberBeforePickup: number;
  /** In New: amber after waiting this long, red after `redWaiting`. */
  amberWaiting: number;
  redWaiting: number;
  /** Prep time: a placed order sits in "upcoming" until its pickup is this close. */
  prepMinutes: number;
}

export type Tone = "ok" | "amber" | "red";

const MINUTE = 60_000;

/**
 * Since when a placed ticket has been waiting in New: from its placing, or, for an order
 * booked for a later slot, from when its preparation was due to begin (when it left
 * Upcoming). An order booked yesterday for this morning has not been waiting since yesterday.
 */
export function waitingSince(
  t: { pickupAt: Date; pickupAsap: boolean; statusChangedAt: Date },
  rules: Pick<AgingRules, "prepMinutes">,
): Date {
  if (t.pickupAsap) return t.statusChangedAt;
  return new Date(
    Math.max(t.statusChangedAt.getTime(), prepStartsAt(t.pickupAt, rules).getTime()),
  );
}

/** How urgent a ticket is now: by its pickup time and by how long it has waited in New. */
export function ticketTone(
  t: { status: OrderStatus; pickupAt: Date; pickupAsap: boolean; statusChangedAt: Date },
  now: Date,
  rules: AgingRules,
): Tone {
  if (t.status !== "placed" && t.status !== "baking") return "ok";
  const toPickup = (t.pickupAt.getTime() - now.getTime()) / MINUTE;
  const waiting = t.status === "placed"
    ? Math.max(0, now.getTime() - waitingSince(t, rules).getTime()) / MINUTE
    : 0;
  if (toPickup <= 0 || waiting >= rules.redWaiting) return "red";
  if (toPickup <= rules.amberBeforePickup || waiting >= rules.amberWaiting) return "amber";
  return "ok";
}

/** When an order's preparation is due to begin (an upcoming order moves to New then). */
export const prepStartsAt = (pickupAt: Date, rules: Pick<AgingRules, "prepMinutes">) =>
  new Date(pickupAt.getTime() - rules.prepMinutes * MINUTE);

/**
 * A placed order for a chosen later time whose preparation need not start yet (later today,
 * tomorrow). "As soon as possible" orders are never upcoming.
 */
export function isUpcoming(
  t: { status: OrderStatus; pickupAt: Date; pickupAsap: boolean },
  now: Date,
  rules: AgingRules,
): boolean {
  return t.status === "placed" && !t.pickupAsap &&
    prepStartsAt(t.pickupAt, rules).getTime() > now.getTime();
}

/** "in 12 min", "now", "5 min late". */
export function pickupCountdown(pickupAt: Date, now: Date): string {
  const minutes = Math.round((pickupAt.getTime() - now.getTime()) / MINUTE);
  if (minutes === 0) return "due now";
  return minutes > 0 ? `in ${minutes} min` : `${-minutes} min late`;
}
