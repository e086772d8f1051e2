import type { ShopView } from "./context.ts";
import { Layout } from "./layout.tsx";

export function ErrorPage(
  { shop, status, title, message }: {
    shop: ShopView;
    status: number;
    title: string;
    message: string;
  },
) {
  return (
    <Layout shop={shop} title={title}>
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
