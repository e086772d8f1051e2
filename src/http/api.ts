import type { Hook } from "@hono/zod-openapi";
import type { Env } from "hono";
import { validationError } from "./errors.ts";

/** Every API validation failure becomes the one JSON error shape, with per-field messages. */
// deno-lint-ignore no-explicit-any
export const apiHook: Hook<any, Env, any, any> = (result) => {
  if (!result.success) throw validationError(result.error);
};
