import type { Store } from "../infra/store.ts";

/** A cart lives a week after its last use. */
export const CART_TTL_MS = 7 * 24 * 60 * 60_000;
export const MAX_LINE_QUANTITY = 99;

/** Whose cart: a signed-in customer's, or a guest's (an id from a signed cookie). */
export type CartOwner = { userId: number } | { guestId: string };

const key = (owner: CartOwner) =>
  "userId" in owner ? `cart:user:${owner.userId}` : `cart:guest:${owner.guestId}`;
/** The pickup date the cart is for, kept beside its lines for as long. */
const dayKey = (owner: CartOwner) => `${key(owner)}:day`;

/** A cart line as stored: how many, and the price the customer saw when adding it. */
export interface StoredLine {
  quantity: number;
  /** Only to tell the customer a price changed; what is charged always comes from the database. */
  seenPriceCents?: number;
}

/**
 * Cart lines in the store: one hash per cart, product id → `quantity:seenPrice`. Names and
 * prices always come from the database when the cart is shown or ordered.
 */
export function createCartStore(store: Store) {
  const readEntries = async (owner: CartOwner): Promise<Map<number, StoredLine>> => {
    const fields = await store.hashGetAll(key(owner));
    const lines = new Map<number, StoredLine>();
    for (const [id, value] of Object.entries(fields)) {
      const [quantity, seen] = value.split(":").map(Number);
      if (!Number.isInteger(Number(id)) || !Number.isInteger(quantity) || quantity <= 0) continue;
      lines.set(Number(id), {
        quantity,
        seenPriceCents: Number.isInteger(seen) ? seen : undefined,
      });
    }
    return lines;
  };
  const read = async (owner: CartOwner): Promise<Map<number, number>> =>
    new Map([...await readEntries(owner)].map(([id, line]) => [id, line.quantity]));
  const encode = (line: StoredLine) =>
    line.seenPriceCents === undefined
      ? String(line.quantity)
      : `${line.quantity}:${line.seenPriceCents}`;

  return {
    /** The lines, and the cart's week starts again. */
    async lines(owner: CartOwner): Promise<Map<number, number>> {
      const lines = await read(owner);
      if (lines.size) await store.expire(key(owner), CART_TTL_MS);
      return lines;
    },
    /** The lines with the prices seen when adding them; the cart's week starts again. */
    async entries(owner: CartOwner): Promise<Map<number, StoredLine>> {
      const lines = await readEntries(owner);
      if (lines.size) await store.expire(key(owner), CART_TTL_MS);
      return lines;
    },
    async count(owner: CartOwner): Promise<number> {
      let total = 0;
      for (const quantity of (await read(owner)).values()) total += quantity;
      return total;
    },
    async setQuantity(
      owner: CartOwner,
      productId: number,
      quantity: number,
      seenPriceCents?: number,
    ) {
      await store.hashSet(
        key(owner),
        { [productId]: encode({ quantity, seenPriceCents }) },
        CART_TTL_MS,
      );
    },
    async remove(owner: CartOwner, productId: number) {
      await store.hashDelete(key(owner), String(productId));
    },
    async clear(owner: CartOwner) {
      await store.delete(key(owner));
    },
    /** The pickup date the customer chose (YYYY-MM-DD), or null. */
    async day(owner: CartOwner): Promise<string | null> {
      return await store.get(dayKey(owner));
    },
    async setDay(owner: CartOwner, date: string) {
      await store.set(dayKey(owner), date, CART_TTL_MS);
    },
    /** Moves a guest's lines into a customer's cart (quantities add up, capped at 99). */
    async merge(guest: { guestId: string }, customer: { userId: number }) {
      const incoming = await readEntries(guest);
      if (incoming.size === 0) return;
      const current = await readEntries(customer);
      const merged: Record<string, string> = {};
      for (const [id, line] of incoming) {
        merged[id] = encode({
          quantity: Math.min(MAX_LINE_QUANTITY, (current.get(id)?.quantity ?? 0) + line.quantity),
          seenPriceCents: current.get(id)?.seenPriceCents ?? line.seenPriceCents,
        });
      }
      await store.hashSet(key(customer), merged, CART_TTL_MS);
      const [guestDay, customerDay] = await store.getMany([dayKey(guest), dayKey(customer)]);
      if (guestDay && !customerDay) await store.set(dayKey(customer), guestDay, CART_TTL_MS);
      await store.delete(key(guest), dayKey(guest));
    },
  };
}

export type CartStore = ReturnType<typeof createCartStore>;
