import { allergenLabels } from "../../src/catalog/allergens.ts";
import type { ProductInfo } from "../../src/catalog/queries.ts";
import { formatMoney } from "../format.ts";
import type { ShopView } from "../context.ts";
import { StockBadge } from "./stock-badge.tsx";
import { AddToCart } from "../cart/add-to-cart.tsx";
import { DayAvailability, type ProductOnDay } from "./day-picker.tsx";

/**
 * `stock`: what the shop has on the day shown (today's unless a day was chosen); null for
 * made to order (no cap). `onDay`: whether it can be ordered for the chosen day, and why not.
 */
export type ProductWithStock = ProductInfo & { stock: number | null; onDay?: ProductOnDay };

export function productImage(shop: ShopView, product: ProductInfo) {
  return product.imagePath ?? `/static/img/placeholder.svg?v=${shop.assetVersion}`;
}

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
  { shop, product, csrf }: { shop: ShopView; product: ProductWithStock; csrf: string },
) {
  return (
    <li class="product-card">
      <a href={`/products/${product.slug}`} class="block rounded-t-xl overflow-hidden">
        <img
          src={productImage(shop, product)}
          alt={product.name}
          width="400"
          height="300"
          loading="lazy"
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
          <StockBadge productId={product.id} stock={product.stock} />
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
