// Crumb's own browser code: Alpine components registered before Alpine starts. Kept tiny;
// pages work without it.
document.addEventListener("alpine:init", () => {
  // Reserved for small local UI state (menus, toggles) in later screens.
});

// A cart in step across tabs and devices: the page's live stream says when the cart changed
// (another tab, the phone). The header's count is fetched afresh (events may arrive out of
// order; the answer is always the cart as it is now); the cart page, when it shows another
// state than the event's, fetches itself afresh too.
document.addEventListener("cart-changed", (event) => {
  let change;
  try {
    change = JSON.parse(event.detail?.data ?? "");
  } catch {
    return;
  }
  const htmx = globalThis.htmx;
  if (!htmx) return;
  const box = document.getElementById("cart-count-box");
  if (box) htmx.trigger(box, "cart-refresh");
  const cart = document.getElementById("cart");
  if (cart && cart.dataset.cartState !== change.state) htmx.trigger(cart, "cart-refresh");
});
