import type { Sql } from "../infra/db.ts";
import type { Store } from "../infra/store.ts";
import { saveCheckoutDraft, savedCheckoutDraft } from "./queries.ts";

/**
 * What a customer chose at checkout and has not ordered yet: the pickup time, the note, the
 * coupon. Kept with the cart (in the database for customers, beside a guest's lines in the
 * store), so a checkout sent after the session ended comes back as it was once the customer
 * has signed in again. Ordering from the cart removes it with the cart.
 */
export interface CheckoutDraft {
  pickup?: string;
  note?: string;
  coupon?: string;
}

// Not the day: the cart keeps that itself, and changing it on the cart page wins.
const FIELDS = ["pickup", "note", "coupon"] as const;
/** Longest a field may be: the checkout form's own limits, with room for nothing else. */
const MAX_LENGTH = 500;

/** Only the known text fields, cut to their size: a draft is read back as typed input. */
export function draftOf(input: Record<string, unknown> | null | undefined): CheckoutDraft {
  const draft: CheckoutDraft = {};
  if (!input || typeof input !== "object") return draft;
  for (const field of FIELDS) {
    const value = input[field];
    // Text the database can hold: no NUL (the form's own checks refuse it first).
    const text = typeof value === "string" ? value.replaceAll("\u0000", "") : "";
    if (text !== "") draft[field] = text.slice(0, MAX_LENGTH);
  }
  return draft;
}

export const guestDraftKey = (guestId: string) => `cart:guest:${guestId}:draft`;

export function createCheckoutDrafts({ store, sql, ttlMs }: {
  store: Store;
  sql: Sql;
  /** How long a guest's draft lives: as long as a guest's cart. */
  ttlMs: number;
}) {
  return {
    async read(owner: { userId: number } | { guestId: string }): Promise<CheckoutDraft> {
      if ("userId" in owner) {
        return draftOf((await savedCheckoutDraft(sql, owner.userId)) as Record<string, unknown>);
      }
      const raw = await store.get(guestDraftKey(owner.guestId));
      try {
        return draftOf(raw ? JSON.parse(raw) : null);
      } catch {
        return {};
      }
    },
    async save(owner: { userId: number } | { guestId: string }, draft: CheckoutDraft) {
      const clean = draftOf(draft as Record<string, unknown>);
      if ("userId" in owner) await saveCheckoutDraft(sql, owner.userId, clean);
      else await store.set(guestDraftKey(owner.guestId), JSON.stringify(clean), ttlMs);
    },
    /** A guest's draft becomes the customer's at sign-in: it is the newer of the two. */
    async move(from: { guestId: string }, to: { userId: number }) {
      const raw = await store.get(guestDraftKey(from.guestId));
      if (raw === null) return;
      try {
        await saveCheckoutDraft(sql, to.userId, draftOf(JSON.parse(raw)));
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
      }
      await store.delete(guestDraftKey(from.guestId));
    },
    async forgetGuest(guestId: string) {
      await store.delete(guestDraftKey(guestId));
    },
  };
}

export type CheckoutDrafts = ReturnType<typeof createCheckoutDrafts>;
