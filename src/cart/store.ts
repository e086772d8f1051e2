import type { CartOwner } from "./cart-owner.ts";
import type { Sql } from "../infra/db.ts";
import { errorFields, type Logger, silentLogger } from "../infra/log.ts";
import type { Store } from "../infra/store.ts";
import { AppError } from "../http/errors.ts";
import type { LiveHub } from "../live/hub.ts";
import { cartAnnouncer } from "./live.ts";
import { createCheckoutDrafts, guestDraftKey as guestDraftKeyOf } from "./draft.ts";
import {
  addCartLines,
  type CartLineRow,
  deleteCart,
  deleteCartLine,
  saveCartDay,
  saveCartLine,
  savedCartDay,
  savedCartLines,
  touchCart,
} from "./queries.ts";

export type { CartOwner } from "./cart-owner.ts";

/** A cart lives a week after its last use. */
export const CART_TTL_MS = 7 * 24 * 60 * 60_000;
export const MAX_LINE_QUANTITY = 99;
/** How long a customer's cart stays cached in the store (the database has the truth). */
const CACHE_TTL_MS = 10 * 60_000;
/** A read racing a change may put the old lines back: they are dropped again this much later. */
const SECOND_DROP_MS = 500;

/** A cart line as stored: how many, and the price the customer saw when adding it. */
export interface StoredLine {
  quantity: number;
  /** Only to tell the customer a price changed; what is charged always comes from the database. */
  seenPriceCents?: number;
}

/** A guest's cart lives only in the store: while it is away, guests are told so. */
export class CartUnavailableError extends AppError {
  constructor() {
    super(
      503,
      "cart_unavailable",
      "We can't keep a cart for guests right now. Sign in (or create an account) to keep " +
        "your cart, or try again in a few minutes.",
      undefined,
      { "Retry-After": "30" },
    );
  }
}

const guestKey = (guestId: string) => `cart:guest:${guestId}`;
/** The pickup date a guest's cart is for, kept beside its lines for as long. */
const guestDayKey = (guestId: string) => `${guestKey(guestId)}:day`;
/** Where carts of customers lived before they were saved in the database. */
const formerUserKey = (userId: number) => `cart:user:${userId}`;
const cacheKey = (userId: number) => `cart:saved:${userId}`;

const fromRows = (rows: CartLineRow[]) =>
  new Map(rows.map((r): [number, StoredLine] => [r.productId, {
    quantity: r.quantity,
    seenPriceCents: r.seenPriceCents ?? undefined,
  }]));

/** A store hash of product id → `quantity:seenPrice`, as lines. */
function fromHash(fields: Record<string, string>): CartLineRow[] {
  const rows: CartLineRow[] = [];
  for (const [id, value] of Object.entries(fields)) {
    const [quantity, seen] = value.split(":").map(Number);
    if (!Number.isInteger(Number(id)) || !Number.isInteger(quantity) || quantity <= 0) continue;
    rows.push({
      productId: Number(id),
      quantity,
      seenPriceCents: Number.isInteger(seen) ? seen : null,
    });
  }
  return rows;
}

const encode = (line: StoredLine) =>
  line.seenPriceCents === undefined
    ? String(line.quantity)
    : `${line.quantity}:${line.seenPriceCents}`;

/**
 * Cart lines. A signed-in customer's cart is saved in the database and cached in the store,
 * so it (and checking it out) works while the store is away; what is ordered is always read
 * from the database. A guest's cart is a hash in the store under a random id. Carts hold
 * quantities only: names, prices and stock come from the database when shown or ordered.
 */
export function createCartStore(
  { store, sql, log = silentLogger, live }: {
    store: Store;
    sql: Sql;
    log?: Logger;
    /** When given, every change is announced to the owner's other tabs and devices. */
    live?: LiveHub;
  },
) {
  const announce = live
    ? cartAnnouncer({
      live,
      log,
      read: async (owner) => ({
        lines: await cartStore.lines(owner),
        day: await cartStore.day(owner),
      }),
    })
    : () => {};
  /** Customers whose cached cart could not be dropped (the store was away): not trusted. */
  const stale = new Set<number>();

  const forget = async (userId: number) => {
    try {
      await store.delete(cacheKey(userId));
      stale.delete(userId);
    } catch {
      stale.add(userId);
    }
  };

  /** After a change: the cached cart goes now, and once more shortly after. */
  const changed = async (userId: number) => {
    await forget(userId);
    const again = setTimeout(() => void forget(userId), SECOND_DROP_MS);
    if (typeof Deno !== "undefined") Deno.unrefTimer(again as unknown as number);
  };

  /** A cart kept in the store before carts were saved in the database moves there once. */
  const moveFormerCart = async (userId: number) => {
    const former = fromHash(await store.hashGetAll(formerUserKey(userId)));
    if (former.length === 0) return;
    await addCartLines(sql, userId, former);
    await store.delete(formerUserKey(userId));
  };

  const saved = async (userId: number): Promise<Map<number, StoredLine>> => {
    if (stale.has(userId)) await forget(userId);
    if (!stale.has(userId)) {
      try {
        const cached = await store.get(cacheKey(userId));
        if (cached !== null) return fromRows(JSON.parse(cached));
        await moveFormerCart(userId);
      } catch (error) {
        log.debug("cart cache unavailable", errorFields(error));
      }
    }
    const rows = await savedCartLines(sql, userId);
    // Only if nobody changed the cart meanwhile (a change drops the entry; this one must
    // not put older lines back over it).
    store.setIfAbsent(cacheKey(userId), JSON.stringify(rows), CACHE_TTL_MS).catch(() => {});
    return fromRows(rows);
  };

  const guest = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      log.warn("guest cart unavailable", errorFields(error));
      throw new CartUnavailableError();
    }
  };
  const guestEntries = (guestId: string) =>
    guest(async () => fromRows(fromHash(await store.hashGetAll(guestKey(guestId)))));

  const entries = async (owner: CartOwner) => {
    if ("userId" in owner) return await saved(owner.userId);
    const lines = await guestEntries(owner.guestId);
    if (lines.size) await guest(() => store.expire(guestKey(owner.guestId), CART_TTL_MS));
    return lines;
  };
  const quantities = (lines: Map<number, StoredLine>) =>
    new Map([...lines].map(([id, line]) => [id, line.quantity]));

  const drafts = createCheckoutDrafts({ store, sql, ttlMs: CART_TTL_MS });

  const cartStore = {
    /** The choices made at checkout, kept with the cart until it is ordered. */
    drafts,
    /** The lines as they are now (from the database for customers): what is ordered. */
    async lines(owner: CartOwner): Promise<Map<number, number>> {
      if (!("userId" in owner)) return quantities(await entries(owner));
      return quantities(fromRows(await savedCartLines(sql, owner.userId)));
    },
    /** The lines with the prices seen when adding them; the cart's week starts again. */
    async entries(owner: CartOwner): Promise<Map<number, StoredLine>> {
      const lines = await entries(owner);
      if ("userId" in owner && lines.size) await touchCart(sql, owner.userId);
      return lines;
    },
    async count(owner: CartOwner): Promise<number> {
      const lines = "userId" in owner
        ? await saved(owner.userId)
        : await guestEntries(owner.guestId);
      let total = 0;
      for (const line of lines.values()) total += line.quantity;
      return total;
    },
    async setQuantity(
      owner: CartOwner,
      productId: number,
      quantity: number,
      seenPriceCents?: number,
    ) {
      if ("userId" in owner) {
        await saveCartLine(sql, owner.userId, { productId, quantity, seenPriceCents });
        await changed(owner.userId);
      } else {
        const fields = { [productId]: encode({ quantity, seenPriceCents }) };
        await guest(() => store.hashSet(guestKey(owner.guestId), fields, CART_TTL_MS));
      }
      announce(owner);
    },
    async remove(owner: CartOwner, productId: number) {
      if ("userId" in owner) {
        await deleteCartLine(sql, owner.userId, productId);
        await changed(owner.userId);
      } else {
        await guest(() => store.hashDelete(guestKey(owner.guestId), String(productId)));
      }
      announce(owner);
    },
    async clear(owner: CartOwner) {
      if ("userId" in owner) {
        await deleteCart(sql, owner.userId);
        await changed(owner.userId);
      } else {
        await guest(() => store.delete(guestKey(owner.guestId), guestDraftKeyOf(owner.guestId)));
      }
      announce(owner);
    },
    /** The pickup date the customer chose (YYYY-MM-DD), or null. */
    async day(owner: CartOwner): Promise<string | null> {
      if ("userId" in owner) return await savedCartDay(sql, owner.userId);
      return await guest(() => store.get(guestDayKey(owner.guestId)));
    },
    async setDay(owner: CartOwner, date: string) {
      if ("userId" in owner) await saveCartDay(sql, owner.userId, date);
      else await guest(() => store.set(guestDayKey(owner.guestId), date, CART_TTL_MS));
      announce(owner);
    },
    /**
     * Moves a guest's lines into a customer's cart (quantities add up, capped at 99). Throws
     * CartUnavailableError while the store is away: the guest's cart waits for a later request.
     */
    async merge(from: { guestId: string }, customer: { userId: number }) {
      await guest(() => drafts.move(from, customer));
      const incoming = await guestEntries(from.guestId);
      if (incoming.size === 0) return;
      await addCartLines(
        sql,
        customer.userId,
        [...incoming].map(([productId, line]) => ({
          productId,
          quantity: line.quantity,
          seenPriceCents: line.seenPriceCents ?? null,
        })),
      );
      await changed(customer.userId);
      const guestDay = await guest(() => store.get(guestDayKey(from.guestId)));
      if (guestDay && !(await savedCartDay(sql, customer.userId))) {
        await saveCartDay(sql, customer.userId, guestDay);
      }
      await guest(() => store.delete(guestKey(from.guestId), guestDayKey(from.guestId)));
      announce(customer);
    },
  };
  return cartStore;
}

export type CartStore = ReturnType<typeof createCartStore>;
