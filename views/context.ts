/** What every page needs to know about the shop it renders for. */
export interface ShopView {
  name: string;
  currency: string;
  locale: string;
  /** Appended to static URLs so a new build is fetched despite long cache lifetimes. */
  assetVersion: string;
}

export const asset = (shop: ShopView, path: string) => `/static/${path}?v=${shop.assetVersion}`;

/** How customers find and reach the shop, with its hours on one day (today for pages). */
export interface ShopContact {
  name: string;
  address: string;
  phone: string;
  email: string;
  /** A link to the shop on a map ("" when not given). */
  mapUrl: string;
  hours: DayHours;
}

/** The shop's hours on a date: "07:00"–"18:30", or closed with the reason customers see. */
export interface DayHours {
  date: string;
  open: boolean;
  opens: string | null;
  closes: string | null;
  reason: string | null;
}

/** `tel:` link of a phone number as the shop writes it ("+33 1 23 45 67 89"). */
export const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, "")}`;

/** Who is looking at a page, for the header; `csrfToken` is called only when a form renders. */
export interface Viewer {
  user: { name: string; role: "customer" | "staff" | "admin" } | null;
  csrfToken: () => string;
  /** Items in the visitor's cart, for the header (read as the page renders). */
  cartCount: number | Promise<number>;
  /** The shop's address, phone and today's hours, for the footer (read as the page renders). */
  contact?: Promise<ShopContact>;
}
