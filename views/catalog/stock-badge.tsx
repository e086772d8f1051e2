import { raw } from "hono/html";

/** Stock as the shop shows it. The same markup goes out in live stock events. */
export const LOW_STOCK = 10;

/** `null`: made to order, so no count to show. */
export function stockText(stock: number | null): string {
  if (stock === null) return "Made to order";
  if (stock <= 0) return "Sold out";
  if (stock <= LOW_STOCK) return `Only ${stock} left`;
  return "In stock";
}

/**
 * The badge's markup, written out: every card of every catalog page carries one, made per
 * request (stock is never kept), so it is built without the JSX renderer. Ids and stock
 * are integers (or null: made to order) and the words fixed: nothing here needs escaping.
 */
export function stockBadgeHtml(
  productId: number,
  stock: number | null,
  outOfBand = false,
): string {
  const id = Math.trunc(productId);
  const count = stock === null ? null : Math.trunc(stock);
  const tone = count === null
    ? "stock-ok"
    : count <= 0
    ? "stock-out"
    : count <= LOW_STOCK
    ? "stock-low"
    : "stock-ok";
  const swap = outOfBand ? ` hx-swap-oob="outerHTML:.stock-${id}"` : "";
  return `<span${swap} class="stock-badge ${tone} stock-${id}" data-product-id="${id}" data-stock="${
    count ?? "unlimited"
  }">${stockText(count)}</span>`;
}

export function StockBadge(
  { productId, stock, outOfBand }: {
    productId: number;
    stock: number | null;
    outOfBand?: boolean;
  },
) {
  return raw(stockBadgeHtml(productId, stock, outOfBand));
}

/** A live stock event: out-of-band swaps replacing every badge of the products named. */
export function StockUpdate({ items }: { items: { id: number; stock: number | null }[] }) {
  return <>{items.map(({ id, stock }) => <StockBadge productId={id} stock={stock} outOfBand />)}</>;
}
