/** How bakery rules speak of dates and times, in the shop's locale and time zone (24-hour). */
export interface Words {
  /** "Sat 21 Nov" for a YYYY-MM-DD date. */
  day(date: string): string;
  /** "Saturday" */
  weekday(date: string): string;
  /** "18:00" for an instant. */
  time(at: Date): string;
  /** "Thu 18:00" for an instant. */
  dayTime(at: Date): string;
}

export function createWords({ locale, timeZone }: { locale: string; timeZone: string }): Words {
  // Dates are calendar dates: formatted at noon UTC so no zone can move them a day.
  const day = new Intl.DateTimeFormat(locale, {
    timeZone: "UTC",
    weekday: "short",
    day: "numeric",
    month: "short",
  });
  const weekday = new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "long" });
  const time = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const shortWeekday = new Intl.DateTimeFormat(locale, { timeZone, weekday: "short" });
  const noon = (date: string) => new Date(`${date}T12:00:00Z`);
  return {
    day: (date) => day.format(noon(date)),
    weekday: (date) => weekday.format(noon(date)),
    time: (at) => time.format(at),
    dayTime: (at) => `${shortWeekday.format(at)} ${time.format(at)}`,
  };
}
