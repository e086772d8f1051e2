// Loads htmx's SSE extension for a page that follows a live stream (an element with
// hx-sse:connect). A live page served whole names the extension in its head; one reached by a
// boosted link or form from a page without it does not get that head (htmx keeps the old
// one), so the extension is fetched here and htmx looks at the page again to connect.
(() => {
  const extension = new URL("vendor/hx-sse.min.js", document.currentScript.src);
  extension.search = new URL(document.currentScript.src).search;
  let requested = false;
  document.addEventListener("htmx:after:process", () => {
    if (requested || document.querySelector('script[src*="/hx-sse.min.js"]')) return;
    if (!document.querySelector("[hx-sse\\:connect]")) return;
    requested = true;
    const script = document.createElement("script");
    script.src = extension.pathname + extension.search;
    script.addEventListener("load", () => htmx.process(document.body));
    document.head.append(script);
  });
})();

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
