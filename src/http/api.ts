import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "./env.ts";
import { validationError } from "./errors.ts";

/** Every API validation failure becomes the one JSON error shape, with per-field messages. */
// deno-lint-ignore no-explicit-any
export const apiHook: Hook<any, AppEnv, any, any> = (result) => {
  if (!result.success) throw validationError(result.error);
};
