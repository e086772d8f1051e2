import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/env.ts";
import type { CartOwners } from "./owner.ts";
import type { CartStore } from "./store.ts";

/**
 * Counts the cart for the header of every page. It also runs the merge of a guest cart into
 * the account's after sign-in, since the first page after signing in passes here.
 */
export function cartCount(owners: CartOwners, carts: CartStore): MiddlewareHandler<AppEnv> {
  return async function countCart(c, next) {
    c.set("cartCount", 0);
    const page = c.req.method === "GET" && !c.req.path.startsWith("/api/") &&
      !c.req.path.startsWith("/events/") && !c.req.path.endsWith("/events");
    if (page) {
      try {
        const owner = await owners.current(c);
        if (owner) c.set("cartCount", await carts.count(owner));
      } catch {
        // The store is down: the page still renders, the count shows 0.
      }
    }
    await next();
  };
}
