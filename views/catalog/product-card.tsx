import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { allergenLabels } from "../../src/catalog/allergens.ts";
import type { ProductInfo } from "../../src/catalog/queries.ts";
import { formatMoney } from "../format.ts";
import type { ShopView } from "../context.ts";
import { StockBadge, stockBadgeHtml } from "./stock-badge.tsx";
import { AddToCart } from "../cart/add-to-cart.tsx";
import { DayAvailability, type ProductOnDay } from "./day-picker.tsx";
import { ProductImage } from "./product-image.tsx";

/**
 * `stock`: what the shop has on the day shown (today's unless a day was chosen); null for
 * made to order (no cap). `onDay`: whether it can be ordered for the chosen day, and why not.
 */
export type ProductWithStock = ProductInfo & { stock: number | null; onDay?: ProductOnDay };

/** How wide a card's photo is shown: one, two, three, then four cards to a row. */
const CARD_IMAGE_SIZES = "(min-width: 1280px) 270px, (min-width: 1024px) 31vw, " +
  "(min-width: 640px) 47vw, 92vw";

export function AllergenList({ product }: { product: ProductInfo }) {
  if (product.allergens.length === 0) {
    return <p class="text-sm text-ink-soft">No declared allergens</p>;
  }
  return (
    <p class="text-sm text-ink-soft">
      <span class="font-semibold">Contains:</span>{" "}
      {product.allergens.map((a) => allergenLabels[a]).join(", ")}
    </p>
  );
}

export function ProductCard(
  { shop, product, csrf, badge, lazy = true }: {
    shop: ShopView;
    product: ProductWithStock;
    csrf: string;
    /** In place of the stock badge (a cached card leaves a slot for it). */
    badge?: Child;
    /** Below the fold: the photo loads when it is scrolled near. */
    lazy?: boolean;
  },
) {
  return (
    <li class="product-card">
      <a href={`/products/${product.slug}`} class="block rounded-t-xl overflow-hidden">
        <ProductImage
          shop={shop}
          imagePath={product.imagePath}
          alt={product.name}
          sizes={CARD_IMAGE_SIZES}
          width={400}
          height={300}
          lazy={lazy}
          class="w-full aspect-[4/3] object-cover bg-wheat"
        />
      </a>
      <div class="p-4 flex flex-col gap-2 flex-1">
        <div class="flex items-start justify-between gap-2">
          <h3 class="font-display text-lg font-bold leading-tight">
            <a href={`/products/${product.slug}`} class="hover:underline">{product.name}</a>
          </h3>
          <p class="font-semibold text-brown whitespace-nowrap">
            {formatMoney(product.priceCents, shop.currency, shop.locale)}
          </p>
        </div>
        <AllergenList product={product} />
        <div class="mt-auto pt-1 flex flex-col gap-3">
          {badge ?? <StockBadge productId={product.id} stock={product.stock} />}
          <DayAvailability onDay={product.onDay} path={`/products/${product.slug}`} />
          <AddToCart
            productId={product.id}
            productName={product.name}
            stock={product.stock}
            csrf={csrf}
            unavailable={product.onDay?.orderable === false}
          />
        </div>
      </div>
    </li>
  );
}

/**
 * Renders a card as the shop shows it, for the visitor's form token and the stock now
 * (`badge` puts something else in the badge's place: a slot of a kept page).
 */
export type CardRenderer = (
  product: ProductWithStock,
  csrf: string,
  options?: { badge?: string; lazy?: boolean },
) => string;

/**
 * Slots left in kept cards and pages for what changes per request: the stock badge of each
 * card in page order, and the visitor's form token. No rendered text contains them.
 */
export const BADGE_SLOT = "\u0000badge\u0000";
export const TOKEN_SLOT = "\u0000token\u0000";
const MAX_CARDS = 5000;

/** Every field a card shows of a product: the same key, the same card. */
export const cardKey = (product: ProductInfo) =>
  [
    product.id,
    product.version,
    product.slug,
    product.name,
    product.priceCents,
    product.imagePath,
    product.allergens.join(","),
  ].join("\u0001");

/**
 * Product cards rendered once per version of a product and kept: what a card shows of the
 * product (name, price, allergens, picture) only changes with a new version, and every write
 * to those fields moves the version on. Stock is never kept: each request puts the badge
 * for the stock it read (and the sold-out state of the button) into the card, with the
 * visitor's form token. The key holds every field the card shows, so a product changed
 * without a new version (a hand-made fix in the database) is rendered afresh too.
 */
export function createCardRenderer(shop: ShopView): CardRenderer {
  // Per product: the card in stock and sold out, with its photo loaded at once or lazily.
  const cards = new Map<string, Map<string, string[]>>();
  const template = (product: ProductWithStock, stock: 1 | 0 | null, lazy: boolean) => {
    const html = String(
      <ProductCard
        shop={shop}
        product={{ ...product, stock }}
        csrf={TOKEN_SLOT}
        badge={raw(BADGE_SLOT)}
        lazy={lazy}
      />,
    );
    const parts = html.split(new RegExp(`${BADGE_SLOT}|${TOKEN_SLOT}`));
    if (parts.length !== 3 || html.indexOf(BADGE_SLOT) > html.indexOf(TOKEN_SLOT)) {
      throw new Error("A product card must hold one stock badge and then one form token");
    }
    return parts;
  };
  return (product, csrf, { badge, lazy = true } = {}) => {
    const key = cardKey(product);
    let card = cards.get(key);
    if (!card) {
      if (cards.size >= MAX_CARDS) cards.clear();
      cards.set(key, card = new Map());
    }
    // In stock, sold out, or made to order (no count at all); and whether, and until when, it
    // can be ordered for the day shown.
    const stock = product.stock === null ? null : product.stock > 0 ? 1 : 0;
    const variant = `${stock}:${lazy}:${JSON.stringify(product.onDay ?? null)}`;
    let parts = card.get(variant);
    if (!parts) card.set(variant, parts = template(product, stock, lazy));
    // Slots in document order: the badge, then the token of the add-to-cart form.
    return parts[0] + (badge ?? stockBadgeHtml(product.id, product.stock)) + parts[1] +
      (csrf === TOKEN_SLOT ? csrf : escapeToken(csrf)) +
      parts[2];
  };
}

/** Form tokens are letters, digits, `-` and `_`; anything else is escaped all the same. */
export const escapeToken = (token: string) =>
  token.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
