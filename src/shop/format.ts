import { formatMoney } from "../../views/format.ts";

/** How the shop writes money, dates and times: its currency, locale and time zone. */
export interface ShopFormat {
  money(cents: number): string;
  /** "Sat 21 Nov" */
  date(at: Date): string;
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
  });
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit" });
  return {
    money: (cents) => formatMoney(cents, currency, locale),
    date: (at) => date.format(at),
    dateTime: (at) => dateTime.format(at),
    time: (at) => time.format(at),
  };
}
