import { errorSchema } from "./errors.ts";

/** Pieces every API route description shares: bodies, answers, security. */

export const json = <T>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const jsonBody = <T>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export const problem = (description: string) => json(errorSchema, description);

/** No sign-in: declared explicitly, so generated clients send no credentials. */
export const publicAccess: Record<string, string[]>[] = [];
/** A signed-in account's access token. */
export const bearer: Record<string, string[]>[] = [{ bearerAuth: [] }];
/** Admin routes: a Bearer token, or the admin's browser session with its CSRF token. */
export const adminAccess: Record<string, string[]>[] = [
  { bearerAuth: [] },
  { cookieAuth: [], csrfToken: [] },
];

export const unauthorized = { 401: problem("No valid access token (or session)") };
export const forbidden = { 403: problem("The account's role may not do this") };
export const tooMany = { 429: problem("Too many requests; see Retry-After") };
