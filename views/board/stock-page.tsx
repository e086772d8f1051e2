import { raw } from "hono/html";
import { asset, type ShopView } from "../context.ts";
import { CountTable, type CountTableView } from "../admin/stock/count-table.tsx";

export interface BoardStockView extends CountTableView {
  shop: ShopView;
  csrfToken: string;
  flash?: string;
  error?: string;
}

/** The counter's stock: what is left today, "Sold out" per product, or set what is left. */
export function BoardStockPage(view: BoardStockView) {
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en" class="kiosk">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Stock today · {view.shop.name}</title>
          <link rel="icon" href={asset(view.shop, "img/logo.svg")} type="image/svg+xml" />
          <link rel="stylesheet" href={asset(view.shop, "build/app.css")} />
          <link rel="stylesheet" href={asset(view.shop, "build/staff.css")} />
        </head>
        <body class="board board-stock">
          <header class="board-bar">
            <h1>Stock today</h1>
            <div class="board-tools">
              <a href="/board" class="board-link">← Orders</a>
            </div>
          </header>
          <main id="main" class="p-4 flex flex-col gap-4">
            {view.flash && <p class="board-flash" role="status">{view.flash}</p>}
            {view.error && <p class="board-flash board-flash-error" role="alert">{view.error}</p>}
            <form id="board-stock" method="post" action="/board/stock" class="flex flex-col gap-4">
              <input type="hidden" name="_csrf" value={view.csrfToken} />
              <p>
                "Sold out" takes a product off the shop at once. To set what is left, type it and
                save; empty boxes stay as they are.
              </p>
              <CountTable {...view} />
              <p>
                <button type="submit" class="bump">Save what is left</button>
              </p>
            </form>
          </main>
        </body>
      </html>
    </>
  );
}
