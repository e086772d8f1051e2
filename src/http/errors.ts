import { z } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The one error shape of the JSON API. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string().openapi({ example: "validation_failed" }),
    message: z.string().openapi({ example: "Some fields are not valid" }),
    fields: z.record(z.string(), z.string()).optional().openapi({
      description: "Per-field messages, keyed by field name",
    }),
    items: z.array(z.object({
      productId: z.number().int(),
      name: z.string(),
      requested: z.number().int(),
      available: z.number().int(),
    })).optional().openapi({ description: "With insufficient_stock: the lines that are short" }),
  }),
}).openapi("Error");

export type ErrorBody = z.infer<typeof errorSchema>;

/** An error meant for the person who made the request, with a stable code for programs. */
export class AppError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    /** Extra response headers, e.g. Retry-After on a 429. */
    readonly headers?: Record<string, string>,
    /** Extra members of the JSON error, e.g. the short lines of an order. */
    readonly details?: Record<string, unknown>,
  ) {
    super(status, { message });
  }
}

export const notFound = (what = "That page") =>
  new AppError(404, "not_found", `${what} could not be found.`);

/** Field messages from a zod error: the first message per field. */
export function fieldErrors(
  error: { issues: readonly z.core.$ZodIssue[] },
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    fields[key] ??= issue.message;
  }
  return fields;
}

export function validationError(error: { issues: readonly z.core.$ZodIssue[] }): AppError {
  const fields = fieldErrors(error);
  const summary = Object.values(fields).join("; ");
  return new AppError(400, "validation_failed", summary || "The request is not valid.", fields);
}
