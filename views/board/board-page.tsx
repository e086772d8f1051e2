import { raw } from "hono/html";
import { asset, type ShopView } from "../context.ts";
import { BoardState, type BoardStateProps } from "./board-state.tsx";
import { type CancelQuestion, ConfirmCancel, type LastMove, UndoBar } from "./corrections.tsx";

export interface BoardPageProps extends BoardStateProps {
  shop: ShopView;
  /** The newest event the page shows: the stream continues from it. */
  after: number;
  staffName: string;
  notice?: string;
  /** How often the stream sends a heartbeat; silence for longer means offline. */
  heartbeatMs: number;
  /** The shop's time zone, for the clock. */
  timeZone: string;
  /** Smaller tickets, so a tablet shows many new orders at once in a rush. */
  compact: boolean;
  /** The last move of a plain form post, which its undo form can take back. */
  undo?: LastMove;
  /** A cancellation waiting for its yes (plain form posts ask on the page). */
  confirm?: CancelQuestion;
}

/** The kitchen display: full screen, high contrast, large type, live. */
export function BoardPage(props: BoardPageProps) {
  const { shop, rules } = props;
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="en" class="kiosk">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Order board · {shop.name}</title>
          <meta name="htmx-config" content='{"includeIndicatorCSS":false}' />
          <link rel="icon" href={asset(shop, "img/logo.svg")} type="image/svg+xml" />
          <link rel="stylesheet" href={asset(shop, "build/app.css")} />
          <link rel="stylesheet" href={asset(shop, "build/staff.css")} />
          <script src={asset(shop, "vendor/htmx.min.js")} defer></script>
          <script src={asset(shop, "vendor/hx-sse.min.js")} defer></script>
          <script src={asset(shop, "board.js")} defer></script>
        </head>
        <body
          class={props.compact ? "board board-compact" : "board"}
          data-amber-before={rules.amberBeforePickup}
          data-amber-waiting={rules.amberWaiting}
          data-red-waiting={rules.redWaiting}
          data-heartbeat-ms={props.heartbeatMs}
          data-time-zone={props.timeZone}
        >
          <div
            id="board-stream"
            hx-sse:connect={`/board/events?after=${props.after}`}
            hx-swap="none"
            hidden
          >
          </div>
          <header class="board-bar">
            <h1>Orders</h1>
            <p id="board-offline" class="board-offline" role="alert" hidden>
              Offline — reconnecting…
            </p>
            {/* Laid over the board's foot: a message never pushes a ticket from under a finger. */}
            <div class="board-toasts">
              <p id="board-toast" class="board-toast" role="status" hidden>
                <span data-toast-text></span>
              </p>
              {props.notice && <p class="board-toast" role="status">{props.notice}</p>}
              <UndoBar move={props.undo} csrf={props.csrf} />
            </div>
            <div class="board-tools">
              {/* Says what a tap does; board.js remembers the choice on this device. */}
              <button type="button" id="sound-toggle" data-sound="off">Turn sound on</button>
              <span class="board-clock" data-clock></span>
              <a href={`/board?layout=${props.compact ? "roomy" : "compact"}`} class="board-link">
                {props.compact ? "Larger tickets" : "Compact view"}
              </a>
              <a href={`/board/bake-list?date=${props.today}`} class="board-link">Bake list</a>
              <a href="/board/stock" class="board-link">Stock today</a>
              <a href="/pickup" class="board-link">Pickup screen</a>
              <a href="/" class="board-link">Shop</a>
              <span class="board-user">{props.staffName}</span>
            </div>
          </header>
          <main id="main">
            {props.confirm && <ConfirmCancel question={props.confirm} csrf={props.csrf} />}
            <BoardState {...props} />
          </main>
          <p class="board-help">
            Keys: ←/→/↑/↓ choose a ticket · Enter or Space bump · U undo the last move · 1–9 jump to
            a ticket
          </p>
        </body>
      </html>
    </>
  );
}
