import type { ShopView, Viewer } from "../context.ts";
import { Layout } from "../layout.tsx";

/** The staff order board. Orders do not exist yet: the page says what it will hold. */
export function BoardPage({ shop, viewer }: { shop: ShopView; viewer: Viewer }) {
  return (
    <Layout shop={shop} title="Order board" viewer={viewer} section="board">
      <div class="max-w-3xl">
        <h1 class="font-display text-3xl font-bold text-brown">Order board</h1>
        <p class="mt-3">
          This is where the counter will follow today's orders: each order placed by a customer will
          appear here as a live ticket, to be prepared and handed over at pickup.
        </p>
        <p class="mt-3 text-ink-soft">
          Online ordering is not open yet, so there are no tickets to show.
        </p>
      </div>
    </Layout>
  );
}
