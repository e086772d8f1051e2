import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { asset, type ShopView, type Viewer } from "./context.ts";
import { CartLink } from "./cart/cart-link.tsx";
import { ShopFooter } from "./shop/contact.tsx";

export interface LayoutProps {
  shop: ShopView;
  title: string;
  description?: string;
  /** Which top-level section to mark as current in the navigation. */
  section?: Section;
  /** Who is signed in; without it the header shows no account links (e.g. on error pages). */
  viewer?: Viewer;
  /**
   * The page follows a live stream (`hx-sse:connect`): it loads htmx's SSE extension, which
   * other pages do without.
   */
  live?: boolean;
  children: Child;
}

type Section = "shop" | "cart" | "account" | "board" | "admin";

const current = (section: Section | undefined, link: Section) =>
  section === link ? "page" : undefined;

/** "Ada" from "Ada Lovelace": the header has room for one word. */
const firstName = (name: string) => name.trim().split(/\s+/)[0] || name;

/** Said before the name by screen readers ("Signed in as Ada"). */
const SIGNED_IN_AS = "Signed in as ";

/** Sign in, or the signed-in user's name, their links and a sign-out button. */
function AccountLinks({ viewer, section }: { viewer: Viewer; section?: Section }) {
  const { user } = viewer;
  if (!user) {
    return <a href="/signin" class="nav-link">Sign in</a>;
  }
  return (
    <>
      <span class="nav-user" title={user.name}>
        <span class="sr-only">{SIGNED_IN_AS}</span>
        {firstName(user.name)}
      </span>
      <a href="/account" class="nav-link" aria-current={current(section, "account")}>
        Account
      </a>
      <form method="post" action="/signout" hx-disable="find button">
        <input type="hidden" name="_csrf" value={viewer.csrfToken()} />
        <button type="submit" class="nav-link">Sign out</button>
      </form>
    </>
  );
}

/** Staff screens add their own stylesheet; a shopper's pages never load it. */
const staffSections = new Set<Section | undefined>(["admin", "board"]);

/** The header's links (the cart link stays in the row of its own): inline, or in the menu. */
function NavLinks({ viewer, section }: { viewer?: Viewer; section?: Section }) {
  const role = viewer?.user?.role;
  return (
    <>
      <a href="/" class="nav-link" aria-current={current(section, "shop")}>
        Shop
      </a>
      {/* Staff screens load their own styles and scripts: a whole page, not boosted. */}
      {(role === "staff" || role === "admin") && (
        <a
          href="/board"
          class="nav-link"
          aria-current={current(section, "board")}
          hx-boost="false"
        >
          Order board
        </a>
      )}
      {role === "admin" && (
        <a
          href="/admin"
          class="nav-link"
          aria-current={current(section, "admin")}
          hx-boost="false"
        >
          Admin
        </a>
      )}
      {viewer && <AccountLinks viewer={viewer} section={section} />}
    </>
  );
}

/** The cart link with its count, which may still be read while the page renders. */
async function HeaderCartLink(
  { count, current }: { count: number | Promise<number>; current: boolean },
) {
  return <CartLink count={await count} current={current} />;
}

export function Layout(
  { shop, title, description, section, viewer, live, children }: LayoutProps,
) {
  const fullTitle = title === shop.name ? title : `${title} · ${shop.name}`;
  const role = viewer?.user?.role;
  const shopper = role !== "staff" && role !== "admin";
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{fullTitle}</title>
          {description && <meta name="description" content={description} />}
          <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
          <link rel="icon" href={asset(shop, "img/logo.svg")} type="image/svg+xml" />
          <link rel="stylesheet" href={asset(shop, "build/app.css")} />
          {staffSections.has(section) && (
            <link rel="stylesheet" href={asset(shop, "build/staff.css")} />
          )}
          <script src={asset(shop, "vendor/htmx.min.js")} defer></script>
          {live && <script src={asset(shop, "vendor/hx-sse.min.js")} defer></script>}
          <script src={asset(shop, "live.js")} defer></script>
        </head>
        <body class="min-h-screen flex flex-col bg-cream text-ink" hx-boost:inherited="true">
          <a href="#main" class="skip-link">Skip to content</a>
          <header class="site-header bg-white/80 border-b border-crust/20">
            {/* One row on a phone: the shop, the cart and a menu; the links inline from md. */}
            <div class="mx-auto max-w-6xl px-4 py-2 flex items-center gap-x-2 md:gap-x-4 min-h-14 md:min-h-16">
              <a
                href="/"
                class="flex items-center gap-2 min-w-0 font-display text-lg md:text-xl font-bold text-brown"
              >
                <img src={asset(shop, "img/logo.svg")} alt="" width="32" height="32" />
                <span class="truncate">{shop.name}</span>
              </a>
              <nav aria-label="Main" class="hidden md:flex ml-auto flex-wrap items-center gap-1">
                <NavLinks viewer={viewer} section={section} />
              </nav>
              {
                /* Refetched when a live page hears the cart changed (static/live.js). The
                  counter and the office do not shop from their own screens: no cart. */
              }
              {shopper
                ? (
                  <span
                    id="cart-count-box"
                    class="ml-auto md:ml-0"
                    hx-get={section === "cart" ? "/cart/count?current=1" : "/cart/count"}
                    hx-trigger="cart-refresh"
                    hx-target="this"
                    hx-swap="innerHTML"
                    hx-sync="this:replace"
                  >
                    <HeaderCartLink count={viewer?.cartCount ?? 0} current={section === "cart"} />
                  </span>
                )
                : <span class="ml-auto md:ml-0"></span>}
              {/* A disclosure: opens and closes without JavaScript. */}
              <details class="nav-menu md:hidden">
                <summary class="nav-link">
                  <svg
                    aria-hidden="true"
                    viewBox="0 0 24 24"
                    width="20"
                    height="20"
                    class="fill-none stroke-current stroke-2"
                  >
                    <path d="M4 6h16M4 12h16M4 18h16" stroke-linecap="round" />
                  </svg>
                  Menu
                </summary>
                <nav aria-label="Menu" class="nav-menu-panel">
                  <NavLinks viewer={viewer} section={section} />
                </nav>
              </details>
            </div>
          </header>
          <main id="main" class="flex-1 mx-auto w-full max-w-6xl px-4 py-6">{children}</main>
          <ShopFooter shop={shop} contact={viewer?.contact} />
        </body>
      </html>
    </>
  );
}
