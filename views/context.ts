/** What every page needs to know about the shop it renders for. */
export interface ShopView {
  name: string;
  currency: string;
  locale: string;
  /** Appended to static URLs so a new build is fetched despite long cache lifetimes. */
  assetVersion: string;
}

export const asset = (shop: ShopView, path: string) => `/static/${path}?v=${shop.assetVersion}`;
