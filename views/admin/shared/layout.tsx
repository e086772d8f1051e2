import type { Child } from "hono/jsx";
import type { ShopView, Viewer } from "../../context.ts";
import { Layout } from "../../layout.tsx";
import { ErrorBanner, Flash } from "../../accounts/form-parts.tsx";

export type AdminArea =
  | "dashboard"
  | "analytics"
  | "products"
  | "categories"
  | "stock"
  | "bake-plan"
  | "calendar"
  | "pickup-settings"
  | "orders"
  | "users"
  | "coupons"
  | "kiosks"
  | "audit"
  | "notifications"
  | "jobs"
  | "shop";

const areas: [AdminArea, string, string][] = [
  ["dashboard", "Dashboard", "/admin"],
  ["analytics", "Sales", "/admin/analytics"],
  ["products", "Products", "/admin/products"],
  ["categories", "Categories", "/admin/categories"],
  ["stock", "Stock", "/admin/stock"],
  ["bake-plan", "Bake plan", "/admin/bake-plan"],
  ["calendar", "Calendar", "/admin/calendar"],
  ["pickup-settings", "Pickup", "/admin/pickup-settings"],
  ["orders", "Orders", "/admin/orders"],
  ["users", "Users", "/admin/users"],
  ["coupons", "Coupons", "/admin/coupons"],
  ["kiosks", "Kiosks", "/admin/kiosks"],
  ["audit", "Audit log", "/admin/audit"],
  ["notifications", "Notifications", "/admin/notifications"],
  ["jobs", "Jobs", "/admin/jobs"],
  ["shop", "Shop settings", "/admin/shop"],
];

function AdminLinks({ area, class: className }: { area: AdminArea; class?: string }) {
  return (
    <nav aria-label="Admin" class={`admin-nav ${className ?? ""}`}>
      <ul>
        {areas.map(([key, label, href]) => (
          <li>
            <a href={href} aria-current={key === area ? "page" : undefined}>{label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Every admin screen: the shop's layout, the admin navigation, a flash and an error slot. */
export function AdminLayout(
  { shop, viewer, area, title, flash, error, live, children }: {
    shop: ShopView;
    viewer: Viewer;
    area: AdminArea;
    title: string;
    flash?: string;
    error?: string;
    /** The screen follows a live stream (the dashboard). */
    live?: boolean;
    children: Child;
  },
) {
  return (
    <Layout shop={shop} title={`${title} · Admin`} viewer={viewer} section="admin" live={live}>
      <div class="grid gap-6 md:grid-cols-[12rem_1fr] items-start">
        {
          /* On a phone the menu is one line that opens (no JavaScript needed); from a
            tablet up it stands beside the content. */
        }
        <details class="admin-menu md:hidden">
          <summary>
            <span>Admin menu</span>
            <span class="admin-menu-current">{areas.find(([key]) => key === area)?.[1]}</span>
          </summary>
          <AdminLinks area={area} />
        </details>
        <AdminLinks area={area} class="hidden md:block" />
        <div class="min-w-0 flex flex-col gap-4">
          <h1 class="font-display text-3xl font-bold text-brown">{title}</h1>
          <Flash message={flash} />
          <ErrorBanner id="admin-error" message={error} />
          {children}
        </div>
      </div>
    </Layout>
  );
}
