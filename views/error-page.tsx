import type { ShopView, Viewer } from "./context.ts";
import { Layout } from "./layout.tsx";

export function ErrorPage(
  { shop, status, title, message, viewer }: {
    shop: ShopView;
    status: number;
    title: string;
    message: string;
    /** Who is signed in, when the error handler knows (the header's account links). */
    viewer?: Viewer;
  },
) {
  return (
    <Layout shop={shop} title={title} viewer={viewer}>
      <section class="max-w-xl mx-auto text-center py-16">
        <p class="text-sm font-semibold text-ink-soft">Error {status}</p>
        <h1 class="font-display text-3xl font-bold text-brown mt-2">{title}</h1>
        <p class="mt-4">{message}</p>
        <p class="mt-8">
          <a href="/" class="btn-primary">Back to the shop</a>
        </p>
      </section>
    </Layout>
  );
}
