import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { AppEnv } from "../http/env.ts";
import { CART_TTL_MS, type CartOwner, type CartStore, CartUnavailableError } from "./store.ts";

export const CART_COOKIE = "crumb_cart";

/**
 * Whose cart a request works on. Guests are known by a random id in a signed cookie; a
 * signed-in customer by their account. The first request after signing in moves the
 * guest's lines into the account's cart and forgets the guest id.
 */
export function cartOwners(carts: CartStore, secret: string, secure: boolean) {
  const guestId = async (c: Context<AppEnv>) => {
    const value = await getSignedCookie(c, secret, CART_COOKIE);
    return typeof value === "string" && /^[0-9a-f-]{36}$/.test(value) ? value : undefined;
  };

  return {
    /** The owner of an existing cart, or null for a guest who has none yet. */
    async current(c: Context<AppEnv>): Promise<CartOwner | null> {
      const user = c.get("user");
      const guest = c.req.header("Cookie")?.includes(CART_COOKIE) ? await guestId(c) : undefined;
      if (user) {
        if (guest) {
          try {
            await carts.merge({ guestId: guest }, { userId: user.id });
            deleteCookie(c, CART_COOKIE, { path: "/", secure });
          } catch (error) {
            // The store is away: the guest's lines join on a later request.
            if (!(error instanceof CartUnavailableError)) throw error;
          }
        }
        return { userId: user.id };
      }
      return guest ? { guestId: guest } : null;
    },

    /** The owner of the request's cart, without moving a guest's cart (event streams). */
    async peek(c: Context<AppEnv>): Promise<CartOwner | null> {
      const user = c.get("user");
      if (user) return { userId: user.id };
      const guest = c.req.header("Cookie")?.includes(CART_COOKIE) ? await guestId(c) : undefined;
      return guest ? { guestId: guest } : null;
    },

    /** The owner to write to: a new guest id (and cookie) when there is none yet. */
    async forWriting(c: Context<AppEnv>): Promise<CartOwner> {
      const owner = await this.current(c);
      if (owner) return owner;
      const id = crypto.randomUUID();
      await setSignedCookie(c, CART_COOKIE, id, secret, {
        httpOnly: true,
        sameSite: "Lax",
        secure,
        path: "/",
        maxAge: CART_TTL_MS / 1000,
      });
      return { guestId: id };
    },
  };
}

export type CartOwners = ReturnType<typeof cartOwners>;
