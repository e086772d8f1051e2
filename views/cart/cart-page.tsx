import { ProductImage } from "../catalog/product-image.tsx";
import type { CartLine, CartView } from "../../src/cart/service.ts";
import { MAX_LINE_QUANTITY } from "../../src/cart/store.ts";
import type { ShopView, Viewer } from "../context.ts";
import { formatMoney } from "../format.ts";
import { Layout } from "../layout.tsx";
import { StockBadge } from "../catalog/stock-badge.tsx";
import { CsrfField, ErrorBanner, Flash } from "../accounts/form-parts.tsx";
import { DayPicker, type ShopDay } from "../catalog/day-picker.tsx";

export interface CartPageProps {
  shop: ShopView;
  viewer: Viewer;
  cart: CartView;
  /** The pickup day the lines are checked against, and the days to choose from. */
  day: ShopDay;
  flash?: string;
  error?: string;
}

function CartLineRow(
  { shop, line, csrf }: { shop: ShopView; line: CartLine; csrf: string },
) {
  const p = line.product;
  const money = (cents: number) => formatMoney(cents, shop.currency, shop.locale);
  return (
    <li class="cart-line" data-product-id={p.id}>
      <ProductImage
        shop={shop}
        imagePath={p.imagePath}
        alt=""
        sizes="96px"
        width={96}
        height={72}
        lazy={false}
        class="rounded-lg bg-wheat w-24 aspect-[4/3] object-cover"
      />
      <div class="flex-1 min-w-0 flex flex-col gap-1">
        <a href={`/products/${p.slug}`} class="font-semibold hover:underline">{p.name}</a>
        <p class="text-sm">
          {money(p.priceCents)} each
          {line.previousPriceCents !== undefined && (
            <span class="price-changed ml-1">
              (was {money(line.previousPriceCents)} when you added it)
            </span>
          )}
        </p>
        <div>
          <StockBadge productId={p.id} stock={p.stock} />
        </div>
        {line.problem && <p class="field-error" role="alert">{line.problem}</p>}
      </div>
      <div class="flex flex-col items-end gap-2">
        <form
          method="post"
          action={`/cart/items/${p.id}`}
          class="flex items-end gap-2"
          hx-post={`/cart/items/${p.id}`}
          hx-target="#cart"
          hx-swap="outerHTML"
          hx-disable="find button"
        >
          <CsrfField token={csrf} />
          <label class="text-sm font-semibold" for={`qty-${p.id}`}>
            Quantity
            <input
              id={`qty-${p.id}`}
              class="field w-20 block"
              type="number"
              name="quantity"
              min="1"
              max={MAX_LINE_QUANTITY}
              value={line.quantity}
              required
            />
          </label>
          <button type="submit" class="btn-secondary">Update</button>
        </form>
        <form
          method="post"
          action={`/cart/items/${p.id}/remove`}
          hx-post={`/cart/items/${p.id}/remove`}
          hx-target="#cart"
          hx-swap="outerHTML"
        >
          <CsrfField token={csrf} />
          <button type="submit" class="text-link min-h-11">
            Remove <span class="sr-only">{p.name}</span>
          </button>
        </form>
        <p class="font-semibold">{money(line.lineCents)}</p>
      </div>
    </li>
  );
}

/** The cart: the part htmx replaces after each change. */
export function CartSection({ shop, viewer, cart, day, flash, error }: CartPageProps) {
  const csrf = viewer.csrfToken();
  return (
    <section
      id="cart"
      aria-labelledby="cart-heading"
      data-cart-state={cart.state}
      hx-get="/cart"
      hx-trigger="cart-refresh"
      hx-select="#cart"
      hx-target="this"
      hx-swap="outerHTML"
      hx-sync="this:replace"
    >
      <h1 id="cart-heading" class="font-display text-3xl font-bold text-brown mb-4">Your cart</h1>
      <Flash message={flash} />
      <ErrorBanner id="cart-error" message={error} />
      <DayPicker day={day} href={(date) => `/cart?date=${date}`} />
      {cart.lines.length === 0
        ? (
          <div class="panel">
            <p>Your cart is empty.</p>
            <p class="mt-4">
              <a href="/" class="btn-primary">Browse the bakery</a>
            </p>
          </div>
        )
        : (
          <div class="grid gap-6 lg:grid-cols-[1fr_20rem] items-start">
            <ul class="panel flex flex-col divide-y divide-crust/15">
              {cart.lines.map((line) => <CartLineRow shop={shop} line={line} csrf={csrf} />)}
            </ul>
            <aside class="panel flex flex-col gap-3" aria-label="Summary">
              <p class="flex justify-between">
                <span>{cart.count} {cart.count === 1 ? "item" : "items"}</span>
                <span class="font-semibold">
                  {formatMoney(cart.subtotalCents, shop.currency, shop.locale)}
                </span>
              </p>
              <p class="text-sm text-ink-soft">
                Prices are today's. Coupons and the pickup time come at checkout; you pay at the
                counter.
              </p>
              {cart.orderable
                ? <a href="/checkout" class="btn-primary">Check out</a>
                : (
                  <p class="field-error">
                    Change or remove the lines marked above to check out.
                  </p>
                )}
            </aside>
          </div>
        )}
    </section>
  );
}

export function CartPage(props: CartPageProps) {
  return (
    <Layout shop={props.shop} title="Your cart" section="cart" viewer={props.viewer} live>
      {/* The badges show what the cart's pickup date has: that date's stream. */}
      <div
        hx-sse:connect={`/events/stock?date=${props.cart.date}`}
        hx-swap="none"
        hidden
      >
      </div>
      <CartSection {...props} />
    </Layout>
  );
}
