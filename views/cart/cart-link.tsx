/** The header's cart link with the number of items; replaced in place when the cart changes. */
export function CartLink(
  { count, current, outOfBand }: { count: number; current?: boolean; outOfBand?: boolean },
) {
  return (
    <a
      id="cart-count"
      href="/cart"
      class="nav-link"
      aria-current={current ? "page" : undefined}
      hx-swap-oob={outOfBand ? "true" : undefined}
      data-count={count}
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        width="20"
        height="20"
        class="fill-none stroke-current stroke-2"
      >
        <path d="M3 9h18l-2 11H5L3 9Zm5 0 4-6 4 6" stroke-linejoin="round" />
      </svg>
      {/* On a phone the icon and the count say it; the word returns from md. */}
      <span class="whitespace-nowrap">
        <span class="sr-only md:not-sr-only">Cart</span> <span class="sr-only">, items:</span>
        <span class="cart-badge">{count}</span>
      </span>
    </a>
  );
}
