import { MAX_LINE_QUANTITY } from "../../src/cart/store.ts";
import { CsrfField } from "../accounts/form-parts.tsx";

/**
 * "Add to cart": a plain POST form (back to the page it came from, at `anchor`), which htmx
 * sends in place; the answer updates the header count and says what happened, next to the button.
 */
export function AddToCart(
  { productId, productName, stock, csrf, withQuantity, unavailable, anchor, added }: {
    productId: number;
    productName: string;
    /** null: made to order, no cap. */
    stock: number | null;
    csrf: string;
    withQuantity?: boolean;
    /** It cannot be ordered for the chosen day (the page says why beside it). */
    unavailable?: boolean;
    /** The id the page comes back to after adding without JavaScript. */
    anchor: string;
    /** Just added (the page came back here without JavaScript): say so beside the button. */
    added?: boolean;
  },
) {
  const feedback = `added-${productId}`;
  return (
    <form
      method="post"
      action="/cart/items"
      id={`add-${productId}`}
      class="add-to-cart flex flex-wrap items-end gap-2"
      hx-post="/cart/items"
      hx-target={`#${feedback}`}
      hx-swap="innerHTML"
      hx-disable="find button"
    >
      <CsrfField token={csrf} />
      <input type="hidden" name="productId" value={productId} />
      <input type="hidden" name="anchor" value={anchor} />
      {withQuantity
        ? (
          <label class="text-sm font-semibold" for={`add-qty-${productId}`}>
            Quantity
            <input
              id={`add-qty-${productId}`}
              class="field w-20 block"
              type="number"
              name="quantity"
              min="1"
              max={MAX_LINE_QUANTITY}
              value="1"
              required
            />
          </label>
        )
        : <input type="hidden" name="quantity" value="1" />}
      <button
        type="submit"
        class="btn-primary"
        disabled={unavailable || (stock !== null && stock <= 0)}
      >
        Add to cart <span class="sr-only">: {productName}</span>
      </button>
      <p id={feedback} class="cart-feedback w-full text-sm" role="status">
        {added && (
          <span class="flash-inline">
            Added to your cart. <a href="/cart" class="text-link">View cart</a>
          </span>
        )}
      </p>
    </form>
  );
}
