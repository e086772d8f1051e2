import { instantAt } from "../shop/hours.ts";
import type { Day } from "./calendar.ts";

/**
 * Pickup slots: windows of `slotMinutes` from the first mark at or after opening (marks are
 * multiples of the slot length after local midnight: 07:00, 07:15 …) while a whole window
 * fits before closing. A slot is named by its first instant.
 *
 * Slots step in real time from the first mark, not in wall-clock minutes: on the night the
 * clocks go forward an hour that does not exist gets no slots, and on the night they go back
 * the hour that happens twice gets slots twice, each a distinct instant.
 */
export function slotsOf(day: Day, slotMinutes: number, timeZone: string): Date[] {
  if (!day.open || day.opens === null || day.closes === null) return [];
  const step = slotMinutes * 60_000;
  const firstMark = Math.ceil(day.opens / slotMinutes) * slotMinutes;
  if (firstMark >= day.closes) return [];
  const first = instantAt(day.date, firstMark, timeZone).getTime();
  const closes = instantAt(day.date, day.closes, timeZone).getTime();
  const slots: Date[] = [];
  for (let at = first; at + step <= closes; at += step) slots.push(new Date(at));
  return slots;
}

/** The slot whose window holds `at`; the first slot when `at` comes before it; else null. */
export function slotHolding(slots: readonly Date[], at: Date, slotMinutes: number): Date | null {
  if (slots.length === 0) return null;
  const t = at.getTime();
  if (t < slots[0].getTime()) return slots[0];
  for (let i = slots.length - 1; i >= 0; i--) {
    const start = slots[i].getTime();
    if (start <= t) return t < start + slotMinutes * 60_000 ? slots[i] : null;
  }
  return null;
}

const localDateTime = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::00(?:\.0+)?)?$/;

/**
 * A requested pickup instant. An ISO time with `Z` or an offset is that instant; one
 * without (as a datetime-local field sends) is the shop's wall-clock time, never the
 * server's. Null when it is not a time at all.
 */
export function parsePickupTime(requested: string, timeZone: string): Date | null {
  const text = requested.trim();
  const local = localDateTime.exec(text);
  if (local) {
    const [, date, hours, minutes] = local;
    if (Number(hours) > 23 || Number(minutes) > 59) return null;
    const at = instantAt(date, Number(hours) * 60 + Number(minutes), timeZone);
    return Number.isNaN(at.getTime()) ? null : at;
  }
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The pickup choice as idempotency compares it: "asap" or the ISO instant asked for. */
export function pickupKey(requested: string | undefined, timeZone: string): string {
  if (!requested || requested === "asap") return "asap";
  return parsePickupTime(requested, timeZone)?.toISOString() ?? requested;
}
