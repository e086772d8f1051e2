import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { asset, type ShopView } from "./context.ts";

export interface LayoutProps {
  shop: ShopView;
  title: string;
  description?: string;
  /** Which top-level section to mark as current in the navigation. */
  section?: "shop";
  children: Child;
}

export function Layout({ shop, title, description, section, children }: LayoutProps) {
  const fullTitle = title === shop.name ? title : `${title} · ${shop.name}`;
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
          <script src={asset(shop, "vendor/htmx.min.js")} defer></script>
          <script src={asset(shop, "vendor/hx-sse.min.js")} defer></script>
          <script src={asset(shop, "app.js")} defer></script>
          <script src={asset(shop, "vendor/alpine-csp.min.js")} defer></script>
        </head>
        <body class="min-h-screen flex flex-col bg-cream text-ink" hx-boost:inherited="true">
          <a href="#main" class="skip-link">Skip to content</a>
          <header class="bg-white/80 border-b border-crust/20">
            <div class="mx-auto max-w-6xl px-4 flex items-center gap-4 min-h-16">
              <a href="/" class="flex items-center gap-2 font-display text-xl font-bold text-brown">
                <img src={asset(shop, "img/logo.svg")} alt="" width="32" height="32" />
                <span>{shop.name}</span>
              </a>
              <nav aria-label="Main" class="ml-auto flex items-center gap-1">
                <a
                  href="/"
                  class="nav-link"
                  aria-current={section === "shop" ? "page" : undefined}
                >
                  Shop
                </a>
                <span id="cart-count" class="nav-link" aria-live="polite">
                  <svg
                    aria-hidden="true"
                    viewBox="0 0 24 24"
                    width="20"
                    height="20"
                    class="fill-none stroke-current stroke-2"
                  >
                    <path d="M3 9h18l-2 11H5L3 9Zm5 0 4-6 4 6" stroke-linejoin="round" />
                  </svg>
                  <span>
                    Cart <span class="sr-only">items:</span> 0
                  </span>
                </span>
              </nav>
            </div>
          </header>
          <main id="main" class="flex-1 mx-auto w-full max-w-6xl px-4 py-6">{children}</main>
          <footer class="border-t border-crust/20 bg-white/60 text-sm text-ink-soft">
            <div class="mx-auto max-w-6xl px-4 py-6 flex flex-wrap gap-4 justify-between">
              <p>{shop.name} · baked fresh every morning · order ahead, pick up at the counter</p>
              <p>
                <a class="underline" href="/api/docs">API</a>
              </p>
            </div>
          </footer>
        </body>
      </html>
    </>
  );
}
