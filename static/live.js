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
