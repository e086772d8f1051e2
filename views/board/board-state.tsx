import { allergenLabels } from "../../src/catalog/allergens.ts";
import type { AgingRules } from "../../src/board/aging.ts";
import {
  isUpcoming,
  pickupCountdown,
  prepStartsAt,
  ticketTone,
  waitingSince,
} from "../../src/board/aging.ts";
import type { AllDayCount, LaterDay, Ticket } from "../../src/board/queries.ts";
import { LaterStrip } from "./later-strip.tsx";
import { TicketMenu } from "./corrections.tsx";
import { allergyWordsIn } from "../../src/board/allergy-words.ts";
import { nextStatus, type OrderStatus, statusLabels } from "../../src/orders/status.ts";

export interface BoardStateProps {
  tickets: Ticket[];
  closed: Ticket[];
  counts: AllDayCount[];
  /** Open orders for the dates after today, per date. */
  later: LaterDay[];
  /** The shop's date (YYYY-MM-DD). */
  today: string;
  /** The shop's next midnight: the board asks for its state again then. */
  dayEndsAt: Date;
  dateLabel: (date: string) => string;
  now: Date;
  rules: AgingRules;
  time: (at: Date) => string;
  day: (at: Date) => string;
  /** Present on the page as served (forms work without JavaScript); absent in live updates. */
  csrf?: string;
  outOfBand?: boolean;
}

const bumpLabels: Partial<Record<OrderStatus, string>> = {
  placed: "Start baking",
  baking: "Ready",
  ready: "Picked up",
};

function Csrf({ token }: { token?: string }) {
  return token ? <input type="hidden" name="_csrf" value={token} /> : null;
}

/** A customer's note; one that speaks of an allergy is flagged like the allergen band. */
function TicketNote({ note }: { note: string }) {
  const words = allergyWordsIn(note);
  if (words.length === 0) return <p class="ticket-note">“{note}”</p>;
  return (
    <p class="ticket-note ticket-note-allergy" data-allergy-words={words.join(" ")}>
      <strong>⚠ Allergy note:</strong> “{note}”
    </p>
  );
}

function TicketCard(
  { t, props, index }: { t: Ticket; props: BoardStateProps; index: number },
) {
  const tone = ticketTone(t, props.now, props.rules);
  const allergens = new Set(t.items.flatMap((i) => i.allergens));
  const sameDay = props.day(t.pickupAt) === props.day(props.now);
  return (
    <article
      id={`ticket-${t.id}`}
      class={`ticket tone-${tone}`}
      tabindex={0}
      data-ticket={t.id}
      data-code={t.code}
      data-status={t.status}
      data-pickup-at={t.pickupAt.toISOString()}
      data-since={waitingSince(t, props.rules).toISOString()}
      data-index={index}
      aria-label={`Order ${t.code}, ${statusLabels[t.status]}`}
    >
      <header class="ticket-head">
        <span class="ticket-code">{t.code}</span>
        {/* After the code, the pickup time is what the counter needs most. */}
        <span class="ticket-pickup">
          <span class="sr-only">Pickup</span>
          {t.pickupAsap && <span class="ticket-asap">ASAP</span>}
          <time datetime={t.pickupAt.toISOString()}>{props.time(t.pickupAt)}</time>
          {sameDay ? "" : <span class="ticket-day">{props.day(t.pickupAt)}</span>}
        </span>
      </header>
      <p class="ticket-times">
        <span class="ticket-customer">{t.customer}</span>{" "}
        <span class="ticket-age" data-age>{pickupCountdown(t.pickupAt, props.now)}</span>
      </p>
      <ul class="ticket-items">
        {t.items.map((i) => (
          <li>
            <span class="ticket-qty">{i.quantity}×</span> {i.name}
            {i.allergens.length > 0 && (
              <span class="sr-only">
                (contains {i.allergens.map((a) => allergenLabels[a]).join(", ")})
              </span>
            )}
          </li>
        ))}
      </ul>
      {allergens.size > 0 && (
        <p class="ticket-allergens" aria-hidden="true">
          ⚠ {[...allergens].map((a) => allergenLabels[a]).join(" · ")}
        </p>
      )}
      {t.note && <TicketNote note={t.note} />}
      <div class="ticket-actions">
        <form
          method="post"
          action={`/board/orders/${t.id}/bump`}
          hx-post={`/board/orders/${t.id}/bump`}
          hx-swap="none"
          hx-disable="find button"
        >
          <Csrf token={props.csrf} />
          <input type="hidden" name="from" value={t.status} />
          <button type="submit" class={`bump bump-${t.status}`} data-bump>
            {bumpLabels[t.status]} <span class="sr-only">{t.code}</span>
          </button>
        </form>
        <TicketMenu id={t.id} code={t.code} status={t.status} csrf={props.csrf} />
      </div>
      <span class="sr-only">Next: {statusLabels[nextStatus[t.status] ?? t.status]}</span>
    </article>
  );
}

function Column(
  { id, title, tickets, props, first }: {
    id: string;
    title: string;
    tickets: Ticket[];
    props: BoardStateProps;
    first: number;
  },
) {
  return (
    <section class={`board-column ${id}`} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} class="board-column-title">
        {title} <span class="board-count">{tickets.length}</span>
      </h2>
      <div id={id} class="board-tickets">
        {tickets.map((t, i) => <TicketCard t={t} props={props} index={first + i} />)}
      </div>
    </section>
  );
}

/** Everything on the board that changes: swapped whole on every event, so nothing can be lost or doubled. */
export function BoardState(props: BoardStateProps) {
  const upcoming = props.tickets.filter((t) => isUpcoming(t, props.now, props.rules));
  const upcomingIds = new Set(upcoming.map((t) => t.id));
  const column = (status: OrderStatus) =>
    props.tickets.filter((t) => t.status === status && !upcomingIds.has(t.id));
  const fresh = column("placed");
  const baking = column("baking");
  const ready = column("ready");
  return (
    <div
      id="board-state"
      hx-swap-oob={props.outOfBand ? "true" : undefined}
      class="board-state"
      data-day-ends-at={props.dayEndsAt.toISOString()}
    >
      <LaterStrip later={props.later} today={props.today} dateLabel={props.dateLabel} />
      <div class="board-columns">
        <Column id="col-new" title="New" tickets={fresh} props={props} first={1} />
        <Column
          id="col-baking"
          title="Baking"
          tickets={baking}
          props={props}
          first={1 + fresh.length}
        />
        <Column
          id="col-ready"
          title="Ready"
          tickets={ready}
          props={props}
          first={1 + fresh.length + baking.length}
        />
      </div>
      <aside class="board-side">
        <section id="all-day" aria-labelledby="all-day-title" class="board-panel">
          <h2 id="all-day-title">All day</h2>
          {props.counts.length === 0 ? <p>Nothing open today.</p> : (
            <table class="all-day">
              <caption class="sr-only">Today's open orders per product</caption>
              <thead>
                <tr>
                  <th scope="col">To bake</th>
                  <th scope="col">Product</th>
                  <th scope="col">Ready</th>
                </tr>
              </thead>
              <tbody>
                {props.counts.map((c) => (
                  <tr>
                    <td class="all-day-qty">{c.quantity}</td>
                    <td>{c.name}</td>
                    <td class="all-day-ready">{c.ready}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section aria-labelledby="upcoming-title" class="board-panel">
          <h2 id="upcoming-title">
            Upcoming <span class="board-count">{upcoming.length}</span>
          </h2>
          <ul id="col-upcoming" class="upcoming">
            {upcoming.map((t) => (
              <li
                data-ticket={t.id}
                data-starts-at={prepStartsAt(t.pickupAt, props.rules).toISOString()}
              >
                <span class="ticket-code">{t.code}</span> {props.day(t.pickupAt)}{" "}
                {props.time(t.pickupAt)} · {t.items.reduce((n, i) => n + i.quantity, 0)} items
              </li>
            ))}
          </ul>
        </section>
        <details class="board-panel recall" open={props.closed.length > 0}>
          <summary>
            <h2>Recently done</h2>
          </summary>
          <ul id="col-closed">
            {props.closed.map((t) => (
              <li data-ticket={t.id} data-status={t.status}>
                <span class="ticket-code">{t.code}</span> {statusLabels[t.status]}
                {t.status === "picked_up" && (
                  <form
                    method="post"
                    action={`/board/orders/${t.id}/recall`}
                    hx-post={`/board/orders/${t.id}/recall`}
                    hx-swap="none"
                    hx-disable="find button"
                  >
                    <Csrf token={props.csrf} />
                    <input type="hidden" name="from" value={t.status} />
                    <button type="submit" class="recall-button">
                      Recall <span class="sr-only">{t.code}</span>
                    </button>
                  </form>
                )}
              </li>
            ))}
          </ul>
        </details>
      </aside>
    </div>
  );
}
