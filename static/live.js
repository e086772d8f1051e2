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

// Where the customer was: a button disabled while its request runs ("Add to cart") loses
// keyboard focus, and gets it back when the request is done.
let lastFocused = null;
document.addEventListener("focusin", (event) => {
  lastFocused = event.target;
});
const lostFocus = () => !document.activeElement || document.activeElement === document.body;
document.addEventListener("htmx:finally:request", () => {
  const was = lastFocused;
  // After htmx enables the request's elements again, in the same turn.
  queueMicrotask(() => {
    if (lostFocus() && was instanceof HTMLElement && was.isConnected && !was.disabled) {
      was.focus({ preventScroll: true });
    }
  });
});

// An in-page update that removed the element holding keyboard focus (a removed cart line, a
// replaced form) would drop focus to the start or end of the page: land it on the updated
// region's own landing point instead. An element still in the page gets focus back above.
document.addEventListener("htmx:after:swap", () => {
  if (!lostFocus()) return;
  if (lastFocused instanceof Element && lastFocused.isConnected) return;
  const landing = document.querySelector("[data-focus-after-swap]");
  if (landing instanceof HTMLElement) landing.focus();
});

// Stock changes on the page being read, told to screen readers politely: the badges are
// replaced by live updates, so their changes are collected here and said in one sentence
// at most every few seconds, only when their text changed.
(() => {
  const QUIET_MS = 8000;
  const pending = new Map();
  let lastSaid = 0;
  let timer = 0;
  const nameOf = (badge) => {
    const holder = badge.closest(".product-card, .cart-line, article");
    const title = holder?.querySelector("h1, h3, a.font-semibold");
    return title?.textContent?.trim() ?? "";
  };
  const say = () => {
    timer = 0;
    const news = document.getElementById("stock-news");
    if (!news || pending.size === 0) return;
    news.textContent = `Stock update: ${[...pending].map(([n, s]) => `${n}, ${s}`).join("; ")}.`;
    pending.clear();
    lastSaid = Date.now();
  };
  // The text each product's badges showed last, by product id: a live update replaces the
  // badge element, so the old text is known only from here.
  const shown = new Map();
  const badgesIn = (node) =>
    node instanceof Element
      ? [...(node.matches(".stock-badge") ? [node] : []), ...node.querySelectorAll(".stock-badge")]
      : [];
  const note = (badge) => {
    const id = badge.dataset.productId;
    const now = badge.textContent.trim();
    const before = shown.get(id);
    shown.set(id, now);
    if (before === undefined || before === now) return;
    const name = nameOf(badge);
    if (name) pending.set(name, now.toLowerCase());
  };
  const watch = () => {
    if (!document.getElementById("stock-news")) return;
    for (const badge of document.querySelectorAll(".stock-badge")) {
      shown.set(badge.dataset.productId, badge.textContent.trim());
    }
    new MutationObserver((changes) => {
      for (const change of changes) {
        const target = change.target instanceof Element
          ? change.target
          : change.target.parentElement;
        const inside = target?.closest(".stock-badge");
        if (inside) note(inside);
        for (const node of change.addedNodes) badgesIn(node).forEach(note);
      }
      if (pending.size > 0 && !timer) {
        timer = setTimeout(say, Math.max(1000, lastSaid + QUIET_MS - Date.now()));
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
