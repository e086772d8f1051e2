/** What every page needs to know about the shop it renders for. */
export interface ShopView {
  name: string;
  currency: string;
  locale: string;
  /** Appended to static URLs so a new build is fetched despite long cache lifetimes. */
  assetVersion: string;
}

export const asset = (shop: ShopView, path: string) => `/static/${path}?v=${shop.assetVersion}`;

/** Who is looking at a page, for the header; `csrfToken` is called only when a form renders. */
export interface Viewer {
  user: { name: string; role: "customer" | "staff" | "admin" } | null;
  csrfToken: () => string;
  /** Items in the visitor's cart, for the header (read as the page renders). */
  cartCount: number | Promise<number>;
}
