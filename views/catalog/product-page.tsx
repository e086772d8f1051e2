import { allergenLabels } from "../../src/catalog/allergens.ts";
import type { ShopView, Viewer } from "../context.ts";
import { formatMoney } from "../format.ts";
import { Layout } from "../layout.tsx";
import type { ProductWithStock } from "./product-card.tsx";
import { ProductImage } from "./product-image.tsx";
import { StockBadge } from "./stock-badge.tsx";
import { AddToCart } from "../cart/add-to-cart.tsx";
import { Flash } from "../accounts/form-parts.tsx";
import { DayAvailability, DayPicker, type ShopDay } from "./day-picker.tsx";

export function ProductPage(
  { shop, product, viewer, flash, day }: {
    shop: ShopView;
    product: ProductWithStock;
    viewer: Viewer;
    /** The pickup day shown (the visit's choice). */
    day: ShopDay;
    /** A confirmation after a form without JavaScript came back here. */
    flash?: string;
  },
) {
  const contains = new Set(product.allergens);
  return (
    <Layout
      shop={shop}
      title={product.name}
      description={product.description}
      section="shop"
      live
      viewer={viewer}
    >
      <div hx-sse:connect={`/events/stock?date=${day.date}`} hx-swap="none" hidden></div>
      <Flash message={flash} />
      <nav aria-label="Breadcrumb" class="text-sm mb-4">
        <ol class="flex flex-wrap gap-2 text-ink-soft">
          <li>
            <a class="underline" href="/">Shop</a> ›
          </li>
          <li>
            <a class="underline" href={`/?category=${product.categorySlug}`}>
              {product.categoryName}
            </a>{" "}
            ›
          </li>
          <li aria-current="page">{product.name}</li>
        </ol>
      </nav>
      <article class="grid gap-8 md:grid-cols-2 items-start">
        <ProductImage
          shop={shop}
          imagePath={product.imagePath}
          alt={product.name}
          sizes="(min-width: 1152px) 560px, (min-width: 768px) 47vw, 92vw"
          width={800}
          height={600}
          lazy={false}
          class="w-full rounded-2xl shadow-sm bg-wheat aspect-[4/3] object-cover"
        />
        <div class="flex flex-col gap-4">
          <h1 class="font-display text-3xl font-bold text-brown">{product.name}</h1>
          <p class="text-2xl font-semibold">
            {formatMoney(product.priceCents, shop.currency, shop.locale)}
          </p>
          <DayPicker day={day} href={(date) => `/products/${product.slug}?date=${date}`} />
          <div>
            <StockBadge productId={product.id} stock={product.stock} />
            <span class="text-sm text-ink-soft ml-1">for {day.label}</span>
          </div>
          <DayAvailability onDay={product.onDay} path={`/products/${product.slug}`} />
          <AddToCart
            productId={product.id}
            productName={product.name}
            stock={product.stock}
            csrf={viewer.csrfToken()}
            withQuantity
            unavailable={product.onDay?.orderable === false}
          />
          <p class="leading-relaxed">{product.description}</p>
          <section aria-labelledby="allergen-heading" class="rounded-xl bg-white p-4 shadow-sm">
            <h2 id="allergen-heading" class="font-semibold mb-2">Allergens</h2>
            {contains.size === 0
              ? <p>No declared allergens.</p>
              : (
                <ul class="flex flex-wrap gap-2" aria-label="Contains">
                  {product.allergens.map((a) => <li class="allergen-tag">{allergenLabels[a]}</li>)}
                </ul>
              )}
            <p class="text-sm text-ink-soft mt-3">
              Everything is made in one kitchen that handles all 14 allergens: traces are possible.
              Ask us at the counter if in doubt.
            </p>
          </section>
          <p>
            <a href={`/?category=${product.categorySlug}`} class="btn-secondary">
              ← More {product.categoryName.toLowerCase()}
            </a>
          </p>
        </div>
      </article>
    </Layout>
  );
}
