import { MAX_LINE_QUANTITY } from "../../src/cart/store.ts";
import { CsrfField } from "../accounts/form-parts.tsx";

/**
 * "Add to cart": a plain POST form (back to the page it came from), which htmx sends in
 * place; the answer updates the header count and says what happened, next to the button.
 */
export function AddToCart(
  { productId, productName, stock, csrf, withQuantity, unavailable }: {
    productId: number;
    productName: string;
    /** null: made to order, no cap. */
    stock: number | null;
    csrf: string;
    withQuantity?: boolean;
    /** It cannot be ordered for the chosen day (the page says why beside it). */
    unavailable?: boolean;
  },
) {
  const feedback = `added-${productId}`;
  return (
    <form
      method="post"
      action="/cart/items"
      class="add-to-cart flex flex-wrap items-end gap-2"
      hx-post="/cart/items"
      hx-target={`#${feedback}`}
      hx-swap="innerHTML"
      hx-disable="find button"
    >
      <CsrfField token={csrf} />
      <input type="hidden" name="productId" value={productId} />
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
      <p id={feedback} class="cart-feedback w-full text-sm" role="status"></p>
    </form>
  );
}
