import { formatMoney } from "../../views/format.ts";

/**
 * How the shop writes money, dates and times, on every screen and in every mail: its
 * currency, locale and time zone, and always the 24-hour clock (a locale's 12-hour habit,
 * as en-US has, is overruled so the board, the admin and the mails agree).
 */
export interface ShopFormat {
  money(cents: number): string;
  /** "Sat 21 Nov" */
  date(at: Date): string;
  /** "Sat 21 Nov 2026": dates that may lie in another year (accounts, exports' ranges). */
  datedDay(at: Date): string;
  /** "Sat 21 Nov" for a calendar date written YYYY-MM-DD (a pickup day, an order code's day). */
  day(date: string): string;
  /** "Sat 21 Nov, 10:45" */
  dateTime(at: Date): string;
  /** "10:45" */
  time(at: Date): string;
}

export function createShopFormat(
  { currency, locale, timeZone }: { currency: string; locale: string; timeZone: string },
): ShopFormat {
  const date = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
  });
  const dateTime = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const datedDay = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
  const calendarDay = new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
  });
  const time = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  return {
    money: (cents) => formatMoney(cents, currency, locale),
    date: (at) => date.format(at),
    datedDay: (at) => datedDay.format(at),
    // A calendar date is the same day everywhere: formatted at noon UTC, in UTC.
    day: (day) => calendarDay.format(new Date(`${day}T12:00:00Z`)),
    dateTime: (at) => dateTime.format(at),
    time: (at) => time.format(at),
  };
}
