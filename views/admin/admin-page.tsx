import type { ShopView, Viewer } from "../context.ts";
import { Layout } from "../layout.tsx";

const areas = [
  ["Products", "names, prices, photos, allergens"],
  ["Categories", "how the catalog is grouped"],
  ["Stock", "what is left of today's bakes"],
  ["Orders", "every order and its state"],
  ["Users", "roles and disabled accounts"],
  ["Coupons", "discount codes and their limits"],
  ["Audit log", "who changed what, and when"],
] as const;

/** The admin home. None of the areas is built yet: they are named, not linked. */
export function AdminPage({ shop, viewer }: { shop: ShopView; viewer: Viewer }) {
  return (
    <Layout shop={shop} title="Admin" viewer={viewer} section="admin">
      <div class="max-w-3xl">
        <h1 class="font-display text-3xl font-bold text-brown">Admin</h1>
        <p class="mt-3">Running the shop happens from here.</p>
        <section class="mt-4 panel" aria-labelledby="ready-heading">
          <h2 id="ready-heading" class="section-heading">Available</h2>
          <ul class="flex flex-col gap-2">
            <li>
              <a class="text-link font-semibold" href="/admin/kiosks">Kiosks</a>{" "}
              <span class="text-ink-soft">— order-board devices signed in for a shift</span>
            </li>
            <li>
              <a class="text-link font-semibold" href="/board">Order board</a>{" "}
              <span class="text-ink-soft">— the kitchen's live tickets</span>
            </li>
          </ul>
        </section>
        <p class="mt-6">These areas are planned and not available yet:</p>
        <ul class="mt-2 panel flex flex-col gap-2" aria-label="Planned admin areas">
          {areas.map(([name, what]) => (
            <li>
              <strong>{name}</strong> <span class="text-ink-soft">— {what}</span>
            </li>
          ))}
        </ul>
      </div>
    </Layout>
  );
}
