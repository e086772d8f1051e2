import { raw } from "hono/html";
import { asset, type ShopView } from "../context.ts";
import { allergenLabels } from "../../src/catalog/allergens.ts";
import type { Ticket } from "../../src/board/queries.ts";
import { allergyWordsIn } from "../../src/board/allergy-words.ts";

export type PrintKind = "ticket" | "label";

export interface PrintPageProps {
  shop: ShopView;
  ticket: Ticket;
  kind: PrintKind;
  /** "12:30", and the day when it is not today. */
  pickup: string;
  /** Where "Back" goes: the board or the admin's order page. */
  back: string;
  /** Kept on the link to the other print (`?from=admin`). */
  query: string;
}

const titles: Record<PrintKind, string> = {
  ticket: "Kitchen ticket",
  label: "Bag label",
};

/**
 * A kitchen ticket (80 mm receipt roll) or a bag label (A6), printed with the browser's own
 * print dialog: code, name, pickup time, items and allergen flags, in black on white.
 */
export function PrintPage({ shop, ticket: t, kind, pickup, back, query }: PrintPageProps) {
  const allergens = [...new Set(t.items.flatMap((i) => i.allergens))];
  const noteWords = allergyWordsIn(t.note);
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{titles[kind]} {t.code} · {shop.name}</title>
          <link rel="icon" href={asset(shop, "img/logo.svg")} type="image/svg+xml" />
          <link rel="stylesheet" href={asset(shop, "build/app.css")} />
          <link rel="stylesheet" href={asset(shop, "build/staff.css")} />
          <script src={asset(shop, "print.js")} defer></script>
        </head>
        <body class="print-body">
          <nav class="print-tools" aria-label={titles[kind]}>
            <a href={back} class="btn-secondary">Back</a>
            <a
              href={`/board/orders/${t.id}/print/${kind === "ticket" ? "label" : "ticket"}${query}`}
              class="btn-secondary"
            >
              {kind === "ticket" ? "Bag label instead" : "Kitchen ticket instead"}
            </a>
            <button type="button" class="btn-primary" data-print hidden>Print</button>
            <noscript>Use your browser's Print command (Ctrl+P or ⌘P).</noscript>
          </nav>
          <main id="main" class={`print-sheet print-${kind}`}>
            <header class="print-head">
              <span class="print-code">{t.code}</span>
              <span class="print-pickup">
                <span class="print-caption">Pickup</span> {t.pickupAsap ? "ASAP " : ""}
                {pickup}
              </span>
            </header>
            <p class="print-customer">{t.customer}</p>
            <ul class="print-items">
              {t.items.map((i) => (
                <li>
                  <span class="print-qty">{i.quantity}×</span> {i.name}
                  {i.allergens.length > 0 && (
                    <span class="print-item-allergens">
                      {` (${i.allergens.map((a) => allergenLabels[a]).join(", ")})`}
                    </span>
                  )}
                </li>
              ))}
            </ul>
            {allergens.length > 0 && (
              <p class="print-allergens">
                ⚠ Contains: {allergens.map((a) => allergenLabels[a]).join(" · ")}
              </p>
            )}
            {t.note && (
              <p class={noteWords.length ? "print-note print-note-allergy" : "print-note"}>
                {noteWords.length > 0 && <strong>⚠ Allergy note:</strong>} “{t.note}”
              </p>
            )}
            {kind === "label" && <p class="print-shop">{shop.name}</p>}
          </main>
        </body>
      </html>
    </>
  );
}
