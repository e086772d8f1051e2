import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FormProblems } from "../../views/accounts/form-parts.tsx";
import type { AppEnv } from "../http/env.ts";
import { AppError } from "../http/errors.ts";
import { wantsFragment } from "../http/htmx.ts";

/** What the account forms share: reading fields, showing problems, finishing a submit. */

export type Ctx = Context<AppEnv>;

export const FIX_FIELDS = "Please correct the fields marked below.";

/** A text field of a submitted form; files and missing fields read as "". */
export const field = (body: Record<string, unknown>, name: string) => {
  const value = body[name];
  return typeof value === "string" ? value : "";
};

/** Problems of a failed submit, from an AppError (anything else is not ours to handle). */
export function problemsOf(
  c: Ctx,
  error: unknown,
): FormProblems & { status: ContentfulStatusCode } {
  if (!(error instanceof AppError)) throw error;
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  if (error.fields) return { status: 422, error: FIX_FIELDS, fields: error.fields };
  return { status: error.status, error: error.message };
}

/**
 * After a successful submit: a 303 to the next page for plain and boosted forms; a form
 * htmx swaps in place is told to load the next page instead (a followed redirect would put
 * the whole page inside the form).
 */
export function finish(c: Ctx, formId: string, location: string) {
  if (wantsFragment(c, formId)) {
    c.header("HX-Redirect", location);
    return c.body(null, 204);
  }
  return c.redirect(location, 303);
}
