import type { LaterDay } from "../../src/board/queries.ts";

/** The bake list of a date, as the kitchen opens it. */
export const bakeListHref = (date: string) => `/board/bake-list?date=${date}`;

/**
 * What is coming after today: orders for later dates wait here, counted per date, instead of
 * crowding New; each date opens its bake list.
 */
export function LaterStrip(
  { later, today, dateLabel }: {
    later: LaterDay[];
    today: string;
    dateLabel: (date: string) => string;
  },
) {
  const total = later.reduce((n, d) => n + d.orders, 0);
  return (
    <nav class="board-later" aria-labelledby="later-title">
      <h2 id="later-title" class="board-later-title">
        Later <span class="board-count" data-later-count={String(total)}>{total}</span>
      </h2>
      <ul class="board-later-days">
        <li>
          <a href={bakeListHref(today)} class="board-later-day">Today's bake list</a>
        </li>
        {later.map((d) => (
          <li>
            <a href={bakeListHref(d.date)} class="board-later-day" data-later-date={d.date}>
              {dateLabel(d.date)} · {d.orders === 1 ? "1 order" : `${d.orders} orders`}
              <span class="sr-only">, bake list</span>
            </a>
          </li>
        ))}
        {later.length === 0 && <li class="board-later-none">No orders for later days.</li>}
      </ul>
    </nav>
  );
}
