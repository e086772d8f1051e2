import type { LiveHub } from "../live/hub.ts";
import type { Logger } from "../infra/log.ts";
import { errorFields } from "../infra/log.ts";
import type { CartOwner } from "./cart-owner.ts";

/**
 * A cart in step across its owner's tabs and devices. Every change publishes a
 * `cart-changed` event to the owner's topic, carrying the new count and a short state
 * (lines and day); pages hearing it update the header's count and, when the state is not
 * theirs, fetch the cart afresh. The publish runs beside the response, never before it.
 */
export const CART_CHANGED = "cart-changed";

export const cartTopic = (owner: CartOwner) =>
  "userId" in owner ? `cart:user:${owner.userId}` : `cart:guest:${owner.guestId}`;

/** "12:2,15:1@2026-12-05": what a cart page shows, so a page showing it can skip a refresh. */
export function cartState(lines: Map<number, number>, date: string | null) {
  const parts = [...lines].sort(([a], [b]) => a - b).map(([id, q]) => `${id}:${q}`);
  return `${parts.join(",")}@${date ?? ""}`;
}

export function cartAnnouncer(
  { live, log, read }: {
    live: LiveHub;
    log: Logger;
    /** The cart as it is now: lines and chosen day. */
    read: (owner: CartOwner) => Promise<{ lines: Map<number, number>; day: string | null }>;
  },
) {
  return (owner: CartOwner) => {
    // Not awaited by the caller: the response goes out while the word spreads.
    const publish = async () => {
      const { lines, day } = await read(owner);
      let count = 0;
      for (const quantity of lines.values()) count += quantity;
      await live.publish(cartTopic(owner), {
        event: CART_CHANGED,
        data: JSON.stringify({ count, state: cartState(lines, day) }),
      });
    };
    publish().catch((error) => log.debug("cart change not announced", errorFields(error)));
  };
}
