/** One date a shopper may look at, closed ones included with their reason. */
export interface ShopDayChoice {
  date: string;
  /** "Sat 21 Nov" */
  label: string;
  open: boolean;
  orderable: boolean;
  reason: string | null;
}

/** The day a shop page shows, and every day that could be chosen instead. */
export interface ShopDay {
  date: string;
  label: string;
  orderable: boolean;
  /** Why nothing can be ordered for it, or when orders for it close. */
  note: string | null;
  days: ShopDayChoice[];
}

/** A product on the chosen day: whether it can be ordered, and if not why and when. */
export interface ProductOnDay {
  orderable: boolean;
  reason: string | null;
  /** "Thu 18:00": the last moment to order it for the day. */
  orderBy: string | null;
  /** The earliest later day it can be had. */
  next: { date: string; label: string } | null;
}

/**
 * The pickup days as plain links (`?date=` on the page shown): each sticks as the visit's
 * day, works without JavaScript, and htmx's boost makes it smooth. Closed days are listed
 * with their reason, not as links.
 */
export function DayPicker(
  { day, href }: {
    day: ShopDay; /** The page shown for another date. */
    href: (date: string) => string;
  },
) {
  return (
    <nav aria-labelledby="day-picker-heading" class="mb-6">
      <h2 id="day-picker-heading" class="font-semibold mb-2">
        Pickup day: <span class="text-brown">{day.label}</span>
      </h2>
      <ul class="day-list">
        {day.days.map((d) => {
          const current = d.date === day.date;
          const [weekday, ...rest] = d.label.split(" ");
          if (!d.open && !current) {
            return (
              <li>
                <span class="day-link day-closed">
                  <span>{weekday} {rest.join(" ")}</span>
                  <span class="day-note">Closed{d.reason ? `: ${d.reason}` : ""}</span>
                </span>
              </li>
            );
          }
          return (
            <li>
              <a
                class={`day-link${d.orderable ? "" : " day-closed"}`}
                href={href(d.date)}
                aria-current={current ? "date" : undefined}
              >
                <span>{weekday} {rest.join(" ")}</span>
                {!d.orderable && (
                  <span class="day-note">{d.open ? "Orders closed" : "Closed"}</span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
      {day.note && (
        <p class={day.orderable ? "text-sm text-ink-soft" : "unavailable-note"} role="status">
          {day.note}
        </p>
      )}
    </nav>
  );
}

/** Under a product: why it cannot be had on the day, with a link to the earliest day it can. */
export function DayAvailability(
  { onDay, path }: { onDay?: ProductOnDay; path: string },
) {
  if (!onDay) return null;
  if (onDay.orderable) {
    return onDay.orderBy ? <p class="text-sm text-ink-soft">Order by {onDay.orderBy}</p> : null;
  }
  return (
    <div class="flex flex-col gap-1">
      <p class="unavailable-note">{onDay.reason}</p>
      {onDay.next && (
        <a class="text-link text-sm" href={`${path}?date=${onDay.next.date}`}>
          Show {onDay.next.label} instead
        </a>
      )}
    </div>
  );
}
