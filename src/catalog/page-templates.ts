import { BADGE_SLOT, escapeToken, TOKEN_SLOT } from "../../views/catalog/product-card.tsx";
import { stockBadgeHtml } from "../../views/catalog/stock-badge.tsx";

const MAX_PAGES = 500;
const slots = new RegExp(`(${BADGE_SLOT}|${TOKEN_SLOT})`);

/**
 * Catalog pages rendered once and kept, with slots for what changes per request: each
 * card's stock badge and the visitor's form token. A request for a page seen before only
 * fills in the stock it read and its token; nothing is rendered. The key holds everything
 * else the page shows (query, categories, products as their cards show them, in stock,
 * sold out or made to order, who is signed in, cart count), so any change makes a new page.
 */
export function createPageTemplates() {
  const pages = new Map<string, string[]>();

  return {
    fill(
      key: string,
      /** The page with BADGE_SLOT for every card's badge, in card order, and TOKEN_SLOT. */
      render: () => string,
      products: { id: number; stock: number | null }[],
      token: string,
    ): string {
      let parts = pages.get(key);
      if (!parts) {
        parts = render().split(slots);
        const badges = parts.filter((part) => part === BADGE_SLOT).length;
        if (badges !== products.length) {
          throw new Error(`A catalog page has ${badges} stock badges for ${products.length} cards`);
        }
        if (pages.size >= MAX_PAGES) pages.clear();
        pages.set(key, parts);
      }
      let html = "";
      let card = 0;
      for (const part of parts) {
        if (part === BADGE_SLOT) {
          const { id, stock } = products[card++];
          html += stockBadgeHtml(id, stock);
        } else if (part === TOKEN_SLOT) html += escapeToken(token);
        else html += part;
      }
      return html;
    },
  };
}
