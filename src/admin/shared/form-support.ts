import type { Context } from "hono";
import type { z } from "zod";
import type { AuditEntry } from "../../audit/record.ts";
import type { AppEnv } from "../../http/env.ts";
import { notFound } from "../../http/errors.ts";

// Shared with the orders, users and coupons screens.
export { finish, FIX_FIELDS, withQuery as hrefWith } from "./form-kit.ts";

/** What the admin screens share: reading submitted forms, finishing a POST, audit metadata. */

type Ctx = Context<AppEnv>;
export type FormBody = Record<string, string | File | (string | File)[]>;

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

/** The numeric `:id` of the route; anything else is a 404 for `what` ("That product"). */
export function idOf(c: Ctx, what: string): number {
  const id = c.req.param("id") ?? "";
  if (!/^\d{1,9}$/.test(id)) throw notFound(what);
  return Number(id);
}

/** Who did it and from where, for recordAudit. */
export function auditBy(c: Ctx): Pick<AuditEntry, "actorId" | "ip" | "userAgent"> {
  const meta = c.get("meta");
  return { actorId: c.get("user")!.id, ip: meta.ip, userAgent: meta.userAgent };
}

/** A fixed confirmation text for `?done=`; unknown keys show nothing (URL text never shown). */
export const flashOf = (c: Ctx, texts: Record<string, string>) =>
  Object.hasOwn(texts, c.req.query("done") ?? "") ? texts[c.req.query("done")!] : undefined;

/** Admin pages show live data: never stored by a browser or proxy. */
export const noStore = (c: Ctx) => c.header("Cache-Control", "private, no-store");

/** True for a unique-constraint violation from PostgreSQL. */
export const isUniqueViolation = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { code?: string }).code === "23505";
