import { raw } from "hono/html";
import type { ShopView } from "../context.ts";
import { asset } from "../context.ts";

/** The public pickup screen's lists: codes only, nothing personal. */
export function PickupCodes(
  { baking, ready, outOfBand }: { baking: string[]; ready: string[]; outOfBand?: boolean },
) {
  return (
    <div id="pickup-codes" class="pickup-codes" hx-swap-oob={outOfBand ? "true" : undefined}>
      <section aria-labelledby="pickup-ready">
        <h2 id="pickup-ready">Ready — please come to the counter</h2>
        <ul class="pickup-list ready">{ready.map((code) => <li>{code}</li>)}</ul>
      </section>
      <section aria-labelledby="pickup-baking">
        <h2 id="pickup-baking">Being prepared</h2>
        <ul class="pickup-list">{baking.map((code) => <li>{code}</li>)}</ul>
      </section>
    </div>
  );
}

/** A screen for a TV by the counter: no sign-in, no names, updates itself. */
export function PickupPage(
  { shop, baking, ready }: { shop: ShopView; baking: string[]; ready: string[] },
) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en" class="kiosk">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Pickup · {shop.name}</title>
          <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
          <link rel="stylesheet" href={asset(shop, "build/app.css")} />
          <link rel="stylesheet" href={asset(shop, "build/staff.css")} />
          <script src={asset(shop, "vendor/htmx.min.js")} defer></script>
          <script src={asset(shop, "vendor/hx-sse.min.js")} defer></script>
        </head>
        <body class="pickup-screen">
          <div hx-sse:connect="/pickup/events" hx-swap="none" hidden></div>
          <main id="main">
            <h1>{shop.name} · Orders</h1>
            <PickupCodes baking={baking} ready={ready} />
          </main>
        </body>
      </html>
    </>
  );
}
