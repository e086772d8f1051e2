import { type Context, Hono } from "hono";
import { z } from "zod";
import type { ShopView } from "../../views/context.ts";
import { CartLink } from "../../views/cart/cart-link.tsx";
import { CartPage, CartSection } from "../../views/cart/cart-page.tsx";
import type { AppEnv } from "../http/env.ts";
import { AppError, fieldErrors } from "../http/errors.ts";
import { isHtmx } from "../http/htmx.ts";
import { viewerOf } from "../http/viewer.ts";
import type { CartOwners } from "./owner.ts";
import { type Cart, notInCart } from "./service.ts";
import { CartUnavailableError, MAX_LINE_QUANTITY } from "./store.ts";
import { recordId } from "../http/fields.ts";
import type { ShopDays } from "../catalog/day.ts";

const quantity = z.coerce.number({ message: "Enter a quantity." }).int("Enter a whole number.")
  .min(1, "Enter at least 1.").max(MAX_LINE_QUANTITY, `At most ${MAX_LINE_QUANTITY} per product.`);
const addForm = z.object({
  productId: recordId("Choose a product."),
  quantity: quantity.default(1),
});
const updateForm = z.object({ quantity });
const productParam = recordId("That product is not in your cart.");

const flashes: Record<string, string> = {
  added: "Added to your cart.",
  updated: "Cart updated.",
  removed: "Removed from your cart.",
};

/** The cart: a page, and POST forms that work without JavaScript and in place with htmx. */
export function cartRoutes(
  { shop, cart, owners, days }: {
    shop: ShopView;
    cart: Cart;
    owners: CartOwners;
    /** The pickup day the cart is for (`?date=` chooses another). */
    days: ShopDays;
  },
) {
  const app = new Hono<AppEnv>();

  const page = async (
    c: Context<AppEnv>,
    extra: { flash?: string; error?: string; status?: 200 | 400 | 404 | 422 | 503 } = {},
  ) => {
    const day = await days.chosen(c);
    const owner = await owners.current(c);
    let view;
    try {
      view = owner ? await cart.view(owner, day.date) : { ...await cart.empty(), date: day.date };
    } catch (error) {
      // A guest's cart while the store is away: the page says so instead of failing.
      if (!(error instanceof CartUnavailableError)) throw error;
      view = { ...await cart.empty(), date: day.date };
      for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
      extra = { error: error.message, status: 503 };
    }
    c.set("cartCount", view.count);
    c.header("Cache-Control", "no-store");
    const props = { shop, viewer: viewerOf(c), cart: view, day, ...extra };
    if (isHtmx(c) && c.req.method === "POST") {
      return c.html(
        <>
          <CartSection {...props} />
          <CartLink count={view.count} current outOfBand />
        </>,
        extra.status ?? 200,
      );
    }
    return c.html(<CartPage {...props} />, extra.status ?? 200);
  };

  /** Back where the form was (same site only), or the cart. */
  const back = (c: Context<AppEnv>, done: string) => {
    const referer = c.req.header("Referer");
    let target = "/cart";
    // A malformed Referer is no reason to fail a request that has already succeeded.
    const url = referer && URL.canParse(referer) ? new URL(referer) : undefined;
    if (url?.origin === new URL(c.req.url).origin) target = url.pathname + url.search;
    const next = new URL(target, "http://x");
    next.searchParams.set("cart", done);
    return c.redirect(next.pathname + next.search, 303);
  };

  const refuse = (error: unknown) => {
    if (error instanceof AppError && error.status < 500) return error.message;
    throw error;
  };

  return app
    .get("/cart", (c) => page(c, { flash: flashes[c.req.query("cart") ?? ""] }))
    // The header's cart link as it is now: pages fetch it when they hear the cart changed.
    .get("/cart/count", async (c) => {
      c.header("Cache-Control", "no-store");
      let count = 0;
      try {
        const owner = await owners.peek(c);
        if (owner) count = await cart.count(owner);
      } catch (error) {
        if (!(error instanceof CartUnavailableError)) throw error;
      }
      return c.html(<CartLink count={count} current={c.req.query("current") === "1"} />);
    })
    .post("/cart/items", async (c) => {
      const form = addForm.safeParse(await c.req.parseBody());
      if (!form.success) {
        const message = Object.values(fieldErrors(form.error))[0];
        if (isHtmx(c)) return c.html(<span class="field-error">{message}</span>, 422);
        return page(c, { error: message, status: 422 });
      }
      try {
        const owner = await owners.forWriting(c);
        const added = await cart.add(owner, form.data.productId, form.data.quantity);
        if (isHtmx(c)) {
          const count = await cart.count(owner);
          return c.html(
            <>
              <span class="flash-inline">
                Added. You have {added.quantity} in your cart.{" "}
                <a href="/cart" class="text-link">View cart</a>
              </span>
              <CartLink count={count} outOfBand />
            </>,
          );
        }
        return back(c, "added");
      } catch (error) {
        const message = refuse(error);
        if (isHtmx(c)) return c.html(<span class="field-error">{message}</span>, 422);
        return page(c, { error: message, status: 422 });
      }
    })
    .post("/cart/items/:productId", async (c) => {
      const productId = productParam.safeParse(c.req.param("productId"));
      const form = updateForm.safeParse(await c.req.parseBody());
      if (!productId.success) {
        return page(c, { error: "That product is not in your cart.", status: 404 });
      }
      if (!form.success) {
        return page(c, { error: Object.values(fieldErrors(form.error))[0], status: 422 });
      }
      try {
        const owner = await owners.current(c);
        if (!owner) throw notInCart();
        await cart.setQuantity(owner, productId.data, form.data.quantity);
      } catch (error) {
        const status = error instanceof AppError && error.code === "not_in_cart" ? 404 : 422;
        return page(c, { error: refuse(error), status });
      }
      return isHtmx(c)
        ? page(c, { flash: flashes.updated })
        : c.redirect("/cart?cart=updated", 303);
    })
    .post("/cart/items/:productId/remove", async (c) => {
      const productId = productParam.safeParse(c.req.param("productId"));
      const owner = await owners.current(c);
      if (productId.success && owner) await cart.remove(owner, productId.data);
      return isHtmx(c)
        ? page(c, { flash: flashes.removed })
        : c.redirect("/cart?cart=removed", 303);
    });
}
