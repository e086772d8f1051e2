import { MAX_LINE_QUANTITY } from "../cart/store.ts";
import type { OrderLineInput } from "./place.ts";

/** The most of one product a single order may take, however many lines name it. */
export const MAX_PER_PRODUCT = MAX_LINE_QUANTITY;

/**
 * The first product whose lines add up to more than the cap, or undefined. Lines of one
 * product are summed first: two lines of 99 are one line of 198.
 */
export function overProductCap(
  items: readonly OrderLineInput[],
): { productId: number; quantity: number } | undefined {
  const totals = new Map<number, number>();
  for (const { productId, quantity } of items) {
    const total = (totals.get(productId) ?? 0) + quantity;
    if (total > MAX_PER_PRODUCT) return { productId, quantity: total };
    totals.set(productId, total);
  }
  return undefined;
}

export const productCapMessage = (over: { productId: number; quantity: number }) =>
  `At most ${MAX_PER_PRODUCT} of one product per order: the lines of product ${over.productId} ` +
  `add up to ${over.quantity}.`;
