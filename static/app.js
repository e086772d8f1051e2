// Crumb's own browser code: Alpine components registered before Alpine starts. Kept tiny;
// pages work without it.
document.addEventListener("alpine:init", () => {
  // Reserved for small local UI state (menus, toggles) in later screens.
});

// A cart in step across tabs and devices: the page's live stream says when the cart changed
// (another tab, the phone). The header's count follows at once; the cart page, when it shows
// another state than the cart's, fetches itself afresh.
document.addEventListener("cart-changed", (event) => {
  let change;
  try {
    change = JSON.parse(event.detail?.data ?? "");
  } catch {
    return;
  }
  const link = document.getElementById("cart-count");
  if (link && Number.isInteger(change.count)) {
    link.dataset.count = String(change.count);
    const badge = link.querySelector(".cart-badge");
    if (badge) badge.textContent = String(change.count);
  }
  const cart = document.getElementById("cart");
  if (cart && cart.dataset.cartState !== change.state && globalThis.htmx) {
    globalThis.htmx.trigger(cart, "cart-refresh");
  }
});
