/** Stock as the shop shows it. The same markup goes out in live stock events. */
export const LOW_STOCK = 10;

/** `null`: made to order, so no count to show. */
export function stockText(stock: number | null): string {
  if (stock === null) return "Made to order";
  if (stock <= 0) return "Sold out";
  if (stock <= LOW_STOCK) return `Only ${stock} left`;
  return "In stock";
}

export function StockBadge(
  { productId, stock, outOfBand }: {
    productId: number;
    stock: number | null;
    outOfBand?: boolean;
  },
) {
  const tone = stock === null
    ? "stock-ok"
    : stock <= 0
    ? "stock-out"
    : stock <= LOW_STOCK
    ? "stock-low"
    : "stock-ok";
  return (
    <span
      hx-swap-oob={outOfBand ? `outerHTML:.stock-${productId}` : undefined}
      class={`stock-badge ${tone} stock-${productId}`}
      data-product-id={productId}
      data-stock={stock ?? "unlimited"}
    >
      {stockText(stock)}
    </span>
  );
}

/** A live stock event: out-of-band swaps replacing every badge of the products named. */
export function StockUpdate({ items }: { items: { id: number; stock: number | null }[] }) {
  return <>{items.map(({ id, stock }) => <StockBadge productId={id} stock={stock} outOfBand />)}</>;
}
