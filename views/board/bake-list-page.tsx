import { raw } from "hono/html";
import type { BakeList } from "../../src/bakery/bake-list.ts";
import { type Allergen, allergenLabels } from "../../src/catalog/allergens.ts";
import { asset, type ShopView } from "../context.ts";

export interface BakeListPageProps {
  shop: ShopView;
  list: BakeList;
  /** "Thu 17 Apr" */
  day: string;
  previous: string;
  next: string;
  time: (at: Date) => string;
  printedAt: string;
  /** Admins also get a link to the plan grid. */
  admin: boolean;
}

const kindWords = { daily: "", made_to_order: "made to order", shelf: "shelf" } as const;

function Allergens({ list }: { list: Allergen[] }) {
  if (list.length === 0) return null;
  return (
    <span class="allergen-flags">
      ⚠ {list.map((a) => allergenLabels[a]).join(", ")}
    </span>
  );
}

const total = (list: BakeList) => list.slots.reduce((n, s) => n + s.orders, 0);

/**
 * The kitchen's production list of one date, for the screen and for A4 paper: per product
 * what is planned, ordered and left for walk-ins; per pickup slot what must be ready by then.
 * No navigation on paper; on screen, a day picker and the CSV beside it.
 */
export function BakeListPage(props: BakeListPageProps) {
  const { shop, list, time } = props;
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Bake list {props.day} · {shop.name}</title>
          <link rel="icon" href={asset(shop, "img/logo.svg")} type="image/svg+xml" />
          <link rel="stylesheet" href={asset(shop, "build/app.css")} />
          <link rel="stylesheet" href={asset(shop, "build/staff.css")} />
          <script src={asset(shop, "print.js")} defer></script>
        </head>
        <body class="bake-list">
          <nav class="bake-list-tools" aria-label="Bake list">
            <a href="/board" class="btn-secondary">Board</a>
            {props.admin && <a href="/admin/bake-plan" class="btn-secondary">Bake plan</a>}
            <a href={`/board/bake-list?date=${props.previous}`} class="btn-secondary">
              ← Day before
            </a>
            <form method="get" action="/board/bake-list" class="bake-list-day">
              <label for="bake-list-date">Date</label>
              <input id="bake-list-date" type="date" name="date" value={list.date} class="field" />
              <button type="submit" class="btn-secondary">Show</button>
            </form>
            <a href={`/board/bake-list?date=${props.next}`} class="btn-secondary">Day after →</a>
            <a href={`/board/bake-list.csv?date=${list.date}`} class="btn-secondary" download>
              CSV
            </a>
            <button type="button" class="btn-primary" data-print hidden>Print</button>
          </nav>
          <main id="main" class="bake-list-sheet">
            <header class="bake-list-head">
              <h1>Bake list · {props.day}</h1>
              <p>
                {total(list) === 1 ? "1 order" : `${total(list)} orders`} · printed{" "}
                {props.printedAt}
              </p>
            </header>
            <section aria-labelledby="totals-title">
              <h2 id="totals-title">Per product</h2>
              {list.items.length === 0
                ? <p>Nothing planned or ordered for this date.</p>
                : (
                  <table class="bake-list-table">
                    <thead>
                      <tr>
                        <th scope="col">Product</th>
                        <th scope="col" class="num">Planned</th>
                        <th scope="col" class="num">Ordered</th>
                        <th scope="col" class="num">Left for walk-ins</th>
                        <th scope="col">Allergens</th>
                      </tr>
                    </thead>
                    <tbody>
                      {list.items.map((i) => (
                        <tr data-product={i.productId}>
                          <th scope="row">
                            {i.name}
                            {kindWords[i.kind] && <span class="kind">({kindWords[i.kind]})</span>}
                          </th>
                          <td class="num">{i.planned ?? "—"}</td>
                          <td class="num">{i.ordered}</td>
                          <td class="num">{i.remaining ?? "—"}</td>
                          <td>
                            <Allergens list={i.allergens} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
            </section>
            <section aria-labelledby="slots-title">
              <h2 id="slots-title">Per pickup slot</h2>
              {list.slots.length === 0
                ? <p>No orders for this date.</p>
                : (
                  <ol class="bake-list-slots">
                    {list.slots.map((s) => (
                      <li class="bake-list-slot" data-slot={s.at.toISOString()}>
                        <h3>
                          Ready by {time(s.at)}{" "}
                          <span class="slot-orders">
                            · {s.orders === 1 ? "1 order" : `${s.orders} orders`}
                          </span>
                        </h3>
                        <ul>
                          {s.items.map((i) => (
                            <li>
                              <strong>{i.quantity}×</strong> {i.name}{" "}
                              <span class="codes">{i.codes.join(" ")}</span>{" "}
                              <Allergens list={i.allergens} />
                            </li>
                          ))}
                        </ul>
                      </li>
                    ))}
                  </ol>
                )}
            </section>
          </main>
        </body>
      </html>
    </>
  );
}
