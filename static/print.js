// The print button of printable pages: shown only where it can work.
(() => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => globalThis.print());
  }
})();
