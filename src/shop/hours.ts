/**
 * Opening hours as a shop writes them: `mon-fri 07:00-18:30; sat 07:30-17:00; sun closed`.
 * Days not named are closed. Times are the shop's local time.
 */
export const weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** Minutes after midnight, per weekday (0 = Sunday); null when closed. */
export type OpeningHours = ({ opens: number; closes: number } | null)[];

const time = (text: string) => {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new Error(`has "${text}" where a time like 07:30 belongs`);
  return Number(match[1]) * 60 + Number(match[2]);
};

export function parseOpeningHours(text: string): OpeningHours {
  const hours: OpeningHours = weekdays.map(() => null);
  for (const part of text.split(";").map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z]{3})(?:-([a-z]{3}))?\s+(closed|\S+-\S+)$/i.exec(part);
    if (!match) {
      throw new Error(`must look like "mon-fri 07:00-18:30; sat 07:30-17:00" (got "${part}")`);
    }
    const from = weekdays.indexOf(match[1].toLowerCase() as typeof weekdays[number]);
    const to = weekdays.indexOf((match[2] ?? match[1]).toLowerCase() as typeof weekdays[number]);
    if (from < 0 || to < 0) throw new Error(`names an unknown day in "${part}"`);
    let slot: { opens: number; closes: number } | null = null;
    if (match[3].toLowerCase() !== "closed") {
      const [opens, closes] = match[3].split("-").map(time);
      if (closes <= opens) throw new Error(`closes before it opens in "${part}"`);
      slot = { opens, closes };
    }
    for (let day = from;; day = (day + 1) % 7) {
      hours[day] = slot;
      if (day === to) break;
    }
  }
  if (hours.every((h) => h === null)) throw new Error("leaves the shop closed every day");
  return hours;
}

// Building a DateTimeFormat costs far more than using one: one per time zone, kept.
const partFormats = new Map<string, Intl.DateTimeFormat>();
const partFormat = (timeZone: string) => {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      weekday: "short",
    });
    partFormats.set(timeZone, format);
  }
  return format;
};

/** The shop's calendar date and wall-clock time of an instant. */
export function localParts(instant: Date, timeZone: string) {
  const parts = Object.fromEntries(
    partFormat(timeZone).formatToParts(instant).map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    seconds: Number(parts.second),
    weekday: weekdays.indexOf(parts.weekday.toLowerCase().slice(0, 3) as typeof weekdays[number]),
  };
}

// The same few instants (today's opening, closing and slots) are asked for all day.
const instants = new Map<string, number>();

/** The instant at which the shop's clock shows `date` (YYYY-MM-DD) and `minutes`. */
export function instantAt(date: string, minutes: number, timeZone: string): Date {
  const key = `${timeZone} ${date} ${minutes}`;
  let instant = instants.get(key);
  if (instant === undefined) {
    if (instants.size >= 2000) instants.clear();
    instants.set(key, instant = findInstant(date, minutes, timeZone));
  }
  return new Date(instant);
}

function findInstant(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number);
  const wanted = Date.UTC(y, m - 1, d, Math.floor(minutes / 60), minutes % 60);
  // Guess, see what the shop's clock says then, correct by the difference (twice, for DST).
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const seen = localParts(new Date(guess), timeZone);
    const [sy, sm, sd] = seen.date.split("-").map(Number);
    const shown = Date.UTC(sy, sm - 1, sd, Math.floor(seen.minutes / 60), seen.minutes % 60);
    guess += wanted - shown;
  }
  return guess;
}

/** The calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
