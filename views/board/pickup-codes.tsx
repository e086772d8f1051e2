import { raw } from "hono/html";
import type { ShopView } from "../context.ts";
import { asset } from "../context.ts";

export interface PickupCodesProps {
  /** Today's orders not ready yet: received and baking. */
  preparing: string[];
  ready: string[];
  outOfBand?: boolean;
}

/** The public pickup screen's lists: codes only, nothing personal; Ready first and largest. */
export function PickupCodes({ preparing, ready, outOfBand }: PickupCodesProps) {
  return (
    <div id="pickup-codes" class="pickup-codes" hx-swap-oob={outOfBand ? "true" : undefined}>
      <section aria-labelledby="pickup-ready" class="pickup-ready">
        <h2 id="pickup-ready">Ready — please come to the counter</h2>
        <ul class="pickup-list ready" data-count={ready.length}>
          {ready.map((code) => <li>{code}</li>)}
        </ul>
      </section>
      <section aria-labelledby="pickup-baking" class="pickup-preparing">
        <h2 id="pickup-baking">Being prepared</h2>
        <ul class="pickup-list" data-count={preparing.length}>
          {preparing.map((code) => <li>{code}</li>)}
        </ul>
      </section>
    </div>
  );
}

/**
 * A screen for a TV by the counter: no sign-in, no names, updates itself. Sized by the screen
 * (a tablet, 1080p or 4K) so the codes fill it and none wraps.
 */
export function PickupPage(
  props: PickupCodesProps & { shop: ShopView; clock: string; timeZone: string },
) {
  const { shop } = props;
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
          <script src={asset(shop, "pickup.js")} defer></script>
        </head>
        <body class="pickup-screen" data-time-zone={props.timeZone}>
          <div hx-sse:connect="/pickup/events" hx-swap="none" hidden></div>
          <header class="pickup-bar">
            <h1>{shop.name} · Orders</h1>
            <span class="pickup-clock" data-clock>{props.clock}</span>
          </header>
          <main id="main" class="contents">
            <PickupCodes preparing={props.preparing} ready={props.ready} />
          </main>
        </body>
      </html>
    </>
  );
}
