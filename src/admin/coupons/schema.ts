import { z } from "zod";
import { text } from "../../http/fields.ts";
import { instantAt, localParts } from "../../shop/hours.ts";
import { decimalMoney } from "../shared/form-kit.ts";
import { isCalendarDate } from "../shared/dates.ts";

/**
 * The coupon form: every rule of the engine (coupons/rules.ts), written as people write
 * them (money as "2.50", dates in the shop's time zone) and read into what the table holds.
 */

export const couponFieldNames = [
  "code",
  "description",
  "kind",
  "amount",
  "minSubtotal",
  "validFrom",
  "validUntil",
  "maxRedemptions",
  "perCustomerLimit",
  "regularsMinOrders",
  "active",
] as const;

export type CouponFormValues = Partial<Record<typeof couponFieldNames[number], string>>;

export interface CouponInput {
  code: string;
  description: string;
  kind: "percent" | "fixed";
  amount: number;
  minSubtotalCents: number;
  validFrom: Date | null;
  validUntil: Date | null;
  maxRedemptions: number | null;
  perCustomerLimit: number | null;
  regularsMinOrders: number | null;
  active: boolean;
}

const MONEY = /^(\d{1,6})(?:[.,](\d{1,2}))?$/;
/** "2.50" or "2,5" → cents; null when it is not money. */
export function parseMoney(text: string): number | null {
  const match = MONEY.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ]([01]\d|2[0-3]):([0-5]\d))?$/;

/**
 * A date or date and time on the shop's clock. A date alone means the start of that day
 * for "from" and its very end for "until", so "until 2026-06-30" includes the 30th.
 */
export function parseShopMoment(
  text: string,
  timeZone: string,
  edge: "from" | "until",
): Date | null {
  const match = DATE_TIME.exec(text.trim());
  if (!match || !isCalendarDate(match[1])) return null;
  if (match[2] === undefined) {
    return edge === "from"
      ? instantAt(match[1], 0, timeZone)
      : new Date(instantAt(match[1], 23 * 60 + 59, timeZone).getTime() + 59_999);
  }
  return instantAt(match[1], Number(match[2]) * 60 + Number(match[3]), timeZone);
}

/** How the form shows a stored moment again: the date alone when that is what was meant. */
export function shopMomentText(at: Date | null, timeZone: string, edge: "from" | "until") {
  if (!at) return "";
  const p = localParts(at, timeZone);
  const dayOnly = edge === "from"
    ? p.minutes === 0 && p.seconds === 0
    : p.minutes === 23 * 60 + 59 && p.seconds === 59;
  if (dayOnly) return p.date;
  const hh = String(Math.floor(p.minutes / 60)).padStart(2, "0");
  return `${p.date} ${hh}:${String(p.minutes % 60).padStart(2, "0")}`;
}

/** The stored coupon as the form shows it. */
export function couponFormValues(c: CouponInput, timeZone: string): CouponFormValues {
  return {
    code: c.code,
    description: c.description,
    kind: c.kind,
    amount: c.kind === "percent" ? String(c.amount) : decimalMoney(c.amount),
    minSubtotal: c.minSubtotalCents ? decimalMoney(c.minSubtotalCents) : "",
    validFrom: shopMomentText(c.validFrom, timeZone, "from"),
    validUntil: shopMomentText(c.validUntil, timeZone, "until"),
    maxRedemptions: c.maxRedemptions?.toString() ?? "",
    perCustomerLimit: c.perCustomerLimit?.toString() ?? "",
    regularsMinOrders: c.regularsMinOrders?.toString() ?? "",
    active: c.active ? "on" : "",
  };
}

const LIMIT = "Give a whole number from 1, or leave it empty for no limit.";
const wholeOrNone = (message: string) =>
  z.string().trim().transform((value, ctx) => {
    if (value === "") return null;
    if (!/^\d{1,6}$/.test(value) || Number(value) < 1) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return Number(value);
  });

const moment = (timeZone: string, edge: "from" | "until") =>
  z.string().transform((value, ctx) => {
    if (value.trim() === "") return null;
    const at = parseShopMoment(value, timeZone, edge);
    if (!at) {
      ctx.addIssue({
        code: "custom",
        message: "Give a date as YYYY-MM-DD, or a date and time as YYYY-MM-DD HH:MM.",
      });
      return z.NEVER;
    }
    return at;
  });

/** One schema per field, so a form with several mistakes hears of all of them at once. */
function fieldSchemas(timeZone: string) {
  return {
    code: z.string().trim().toUpperCase().regex(
      /^[A-Z0-9_-]{3,32}$/,
      "Use 3 to 32 letters, digits, hyphens or underscores.",
    ),
    description: text().trim().max(200, "Keep the description under 200 characters."),
    kind: z.enum(["percent", "fixed"], { message: "Choose a percentage or a fixed amount." }),
    minSubtotal: z.string().transform((value, ctx) => {
      if (value.trim() === "") return 0;
      const cents = parseMoney(value);
      if (cents === null) {
        ctx.addIssue({ code: "custom", message: "Give an amount of money such as 10.00." });
        return z.NEVER;
      }
      return cents;
    }),
    validFrom: moment(timeZone, "from"),
    validUntil: moment(timeZone, "until"),
    maxRedemptions: wholeOrNone(LIMIT),
    perCustomerLimit: wholeOrNone(LIMIT),
    regularsMinOrders: wholeOrNone(
      "Give a number of collected orders from 1, or leave it empty for everyone.",
    ),
  };
}

type Parsed<T extends Record<string, z.ZodType>> = { [K in keyof T]: z.output<T[K]> };

/** The amount as the kind reads it: a whole percentage, or money in cents. */
function amountOf(kind: "percent" | "fixed", text: string): number | string {
  if (kind === "percent") {
    const value = text.trim();
    const percent = /^\d{1,3}$/.test(value) ? Number(value) : 0;
    return percent >= 1 && percent <= 100 ? percent : "Give a whole percentage from 1 to 100.";
  }
  const cents = parseMoney(text);
  return cents !== null && cents > 0 ? cents : "Give an amount of money such as 2.50.";
}

/** The submitted form read into a coupon, or a message per field that is wrong. */
export function parseCouponForm(
  values: CouponFormValues,
  timeZone: string,
): { ok: true; coupon: CouponInput } | { ok: false; fields: Record<string, string> } {
  const schemas = fieldSchemas(timeZone);
  const data: Partial<Record<string, unknown>> = {};
  const fields: Record<string, string> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const result = (schema as z.ZodType).safeParse(values[name as keyof CouponFormValues] ?? "");
    if (result.success) data[name] = result.data;
    else fields[name] = result.error.issues[0]?.message ?? "This is not valid.";
  }
  const f = data as Partial<Parsed<ReturnType<typeof fieldSchemas>>>;
  const amount = f.kind ? amountOf(f.kind, values.amount ?? "") : 0;
  if (typeof amount === "string") fields.amount = amount;
  if (f.validFrom && f.validUntil && f.validFrom >= f.validUntil) {
    fields.validUntil = "The end must be later than the start.";
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return {
    ok: true,
    coupon: {
      code: f.code!,
      description: f.description ?? "",
      kind: f.kind!,
      amount: amount as number,
      minSubtotalCents: f.minSubtotal ?? 0,
      validFrom: f.validFrom ?? null,
      validUntil: f.validUntil ?? null,
      maxRedemptions: f.maxRedemptions ?? null,
      perCustomerLimit: f.perCustomerLimit ?? null,
      regularsMinOrders: f.regularsMinOrders ?? null,
      active: ["on", "true", "1"].includes(values.active ?? ""),
    },
  };
}
