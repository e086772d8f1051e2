import type { Queryable } from "../infra/db.ts";
import { addDays, localParts } from "../shop/hours.ts";

/**
 * Bake suggestions: how many of each daily product to plan for a date, from what sold on the
 * same weekday over the last weeks, raised where it sold out early (more would have sold).
 * Only a suggestion: the admin applies it through the plan, which refuses less than ordered.
 */

export const SUGGESTION_WEEKS = 6;
/** Sold out this long before closing counts as early: the plan, not the day, ended sales. */
const EARLY_MINUTES_BEFORE_CLOSE = 120;
/** Without opening hours for the weekday, early is before this local time. */
const EARLY_WITHOUT_HOURS = 14 * 60;
/** Each early sell-out raises the best recent day by this share. */
const RAISE_PER_EARLY = 0.05;

const weekdayNames = [
  "Sundays",
  "Mondays",
  "Tuesdays",
  "Wednesdays",
  "Thursdays",
  "Fridays",
  "Saturdays",
];
const times = ["never", "once", "twice"];

export interface Suggestion {
  productId: number;
  name: string;
  /** The date's plan as it stands, and what is already ordered or gone over the counter. */
  planned: number;
  taken: number;
  suggested: number;
  basis: string;
  /** False when no past day of the weekday was there to go by (the plan as it stands). */
  fromHistory: boolean;
}

interface History {
  productId: number;
  date: string;
  sold: number;
  soldOutAt: Date | null;
}

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** Suggestions for every active daily product on `date`. */
export async function bakeSuggestions(
  sql: Queryable,
  date: string,
  { timeZone, now, weeks = SUGGESTION_WEEKS }: { timeZone: string; now: Date; weeks?: number },
): Promise<{ date: string; items: Suggestion[] }> {
  const today = localParts(now, timeZone).date;
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  // The same weekday in each of the last weeks, days that are over only.
  const dates = Array.from({ length: weeks }, (_, i) => addDays(date, -7 * (i + 1)))
    .filter((d) => d < today);
  const [products, history, hours] = await Promise.all([
    sql<{ productId: number; name: string; planned: number; taken: number }[]>`
      select p.id as product_id, p.name,
        coalesce(d.planned, p.par[extract(isodow from ${date}::date)::int]) as planned,
        coalesce(d.ordered + d.counter, 0) as taken
      from products p
      left join product_days d on d.product_id = p.id and d.date = ${date}
      where p.kind = 'daily' and p.active
      order by p.name, p.id`,
    dates.length
      ? sql<History[]>`
        select product_id, date::text as date, ordered + counter as sold, sold_out_at
        from product_days where date = any(${dates}::date[])`
      : Promise.resolve([] as History[]),
    sql<{ closes: number }[]>`select closes from opening_hours where weekday = ${weekday}`,
  ]);
  const earlyBefore = hours[0] ? hours[0].closes - EARLY_MINUTES_BEFORE_CLOSE : EARLY_WITHOUT_HOURS;
  const day = weekdayNames[weekday];

  const items = products.map((p): Suggestion => {
    const past = history.filter((h) => h.productId === p.productId);
    if (!past.length) {
      return {
        ...p,
        fromHistory: false,
        suggested: Math.max(p.planned, p.taken),
        basis: `No sales on the last ${weeks} ${day} to go by: the plan as it stands, ${
          Math.max(p.planned, p.taken)
        }.`,
      };
    }
    const sold = past.map((h) => h.sold);
    const low = Math.min(...sold);
    const high = Math.max(...sold);
    const earlyTimes = past
      .filter((h) => h.soldOutAt)
      .map((h) => localParts(h.soldOutAt!, timeZone).minutes)
      .filter((m) => m < earlyBefore);
    let suggested = earlyTimes.length
      ? Math.ceil(high * (1 + RAISE_PER_EARLY * earlyTimes.length))
      : high;
    const parts = [
      `sold ${low === high ? low : `${low}–${high}`} on ${
        past.length === 1 ? `one recent ${day.slice(0, -1)}` : `the last ${past.length} ${day}`
      }`,
    ];
    if (earlyTimes.length) {
      const count = times[earlyTimes.length] ?? `${earlyTimes.length} times`;
      parts.push(`sold out by ${clock(Math.max(...earlyTimes))} ${count}`);
    } else if (past.some((h) => h.soldOutAt)) parts.push("sold out only late in the day");
    if (suggested < p.taken) {
      suggested = p.taken;
      parts.push(`${p.taken} already taken`);
    }
    const text = parts.join(", ");
    return {
      ...p,
      fromHistory: true,
      suggested,
      basis: `${text.charAt(0).toUpperCase()}${text.slice(1)} → ${suggested}.`,
    };
  });
  return { date, items };
}
