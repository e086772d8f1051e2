import type { Context } from "hono";
import type { z } from "zod";
import type { AuditEntry } from "../../audit/record.ts";
import type { AppEnv } from "../../http/env.ts";
import { AppError, notFound } from "../../http/errors.ts";
import { wantsFragment } from "../../http/htmx.ts";

/**
 * What every admin screen does with a form: read it, find the thing it is about, say what is
 * wrong, answer a success, and record who did it.
 */

type Ctx = Context<AppEnv>;
export type FormBody = Record<string, string | File | (string | File)[]>;

export const FIX_FIELDS = "Please correct the fields marked below.";

/** Field messages of a failed parse, by field name ("allergens.1" counts as "allergens"). */
export function formErrors(error: { issues: readonly z.core.$ZodIssue[] }) {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[String(issue.path[0] ?? "_")] ??= issue.message;
  return fields;
}

/** A text field of a submitted form; files and missing fields read as "". */
export function text(body: FormBody, name: string): string {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
}

/** Every text value sent under a name (checkbox groups). */
export function texts(body: FormBody, name: string): string[] {
  const value = body[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((v): v is string => typeof v === "string");
}

/** The form with its values repeated (`all`), so checkbox groups arrive as arrays. */
export const readForm = (c: Ctx): Promise<FormBody> => c.req.parseBody({ all: true });

/** The positive numeric `:id` of the route; anything else is a 404 for `what` ("That user"). */
export function idOf(c: Ctx, what: string): number {
  const id = c.req.param("id") ?? "";
  if (!/^\d{1,9}$/.test(id) || Number(id) < 1) throw notFound(what);
  return Number(id);
}

/**
 * After a successful submit: a 303 for plain and boosted forms; a form htmx swaps in place
 * is told to load the next page instead (a followed redirect would land inside the form).
 */
export function finish(c: Context, formId: string, location: string) {
  if (wantsFragment(c, formId)) {
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  }
  return c.redirect(location, 303);
}

/** An AppError's message for the person, with its status; anything else is rethrown. */
export function refusal(error: unknown): { status: 400 | 404 | 409; message: string } {
  if (!(error instanceof AppError)) throw error;
  const status = error.status === 404 || error.status === 409 ? error.status : 400;
  return { status, message: error.message };
}

/** A fixed confirmation text for `?done=`; unknown keys show nothing (URL text never shown). */
export const flashOf = (c: Ctx, texts: Record<string, string>) =>
  Object.hasOwn(texts, c.req.query("done") ?? "") ? texts[c.req.query("done")!] : undefined;

/** Admin pages show live data: never stored by a browser or proxy. */
export const noStore = (c: Ctx) => c.header("Cache-Control", "private, no-store");

/** True for a unique-constraint violation from PostgreSQL. */
export const isUniqueViolation = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { code?: string }).code === "23505";

/** Who did it and from where, for recordAudit. */
export type Who = Pick<AuditEntry, "actorId" | "ip" | "userAgent">;

export function auditBy(c: Ctx): Who {
  const meta = c.get("meta");
  return { actorId: c.get("user")!.id, ip: meta.ip, userAgent: meta.userAgent };
}

/** The same, typed for services that always name a person (bakery plans and calendar). */
export const actorOf = (c: Ctx) => ({ ...auditBy(c), actorId: c.get("user")!.id });

/** Cents as a plain decimal for forms and files: 1250 → "12.50". */
export const decimalMoney = (cents: number) =>
  `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${
    String(Math.abs(cents) % 100).padStart(2, "0")
  }`;
