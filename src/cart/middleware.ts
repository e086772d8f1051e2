import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/env.ts";
import type { CartOwners } from "./owner.ts";
import type { CartStore } from "./store.ts";

/**
 * Counts the cart for the header of every full page, whatever the method: a form post that
 * answers with a page (a coupon applied, a refused checkout, a sign-up with errors) shows the
 * same count as a GET. The count is read once, when the page asks for it, so it includes what
 * the handler itself wrote. A GET page also runs the merge of a guest cart into the account's
 * after sign-in at once, since the first page after signing in passes here.
 */
export function cartCount(owners: CartOwners, carts: CartStore): MiddlewareHandler<AppEnv> {
  return async function countCart(c, next) {
    let counted: Promise<number> | undefined;
    const count = async () => {
      try {
        const owner = await owners.current(c);
        return owner ? await carts.count(owner) : 0;
      } catch {
        // The store is down: the page still renders, the count shows 0.
        return 0;
      }
    };
    c.set("cartCount", () => counted ??= count());
    const page = c.req.method === "GET" && !c.req.path.startsWith("/api/") &&
      !c.req.path.startsWith("/events/") && !c.req.path.endsWith("/events");
    if (page) await c.get("cartCount")();
    await next();
  };
}
