import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import { errorSchema } from "../http/errors.ts";
import type { Accounts } from "./index.ts";
import { requireUser } from "./middleware.ts";
import { loginSchema, refreshSchema, registerSchema, tokensSchema, userSchema } from "./schema.ts";
import { publicUser } from "./service.ts";

const json = <T>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const body = <T>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
const errors = {
  400: json(errorSchema, "The body is not valid; `fields` says which field and why"),
  429: json(errorSchema, "Too many requests; see Retry-After"),
  503: json(errorSchema, "Too many passwords are being checked at once; see Retry-After"),
};
const bearer = [{ bearerAuth: [] }];

const register = createRoute({
  method: "post",
  path: "/auth/register",
  operationId: "register",
  security: [],
  tags: ["Accounts"],
  summary: "Create a customer account and sign in",
  description: "At most 20 new accounts per client address an hour.",
  request: body(registerSchema),
  responses: { 201: json(tokensSchema, "The account, signed in"), ...errors },
});

const login = createRoute({
  method: "post",
  path: "/auth/login",
  operationId: "login",
  security: [],
  tags: ["Accounts"],
  summary: "Sign in with email and password",
  description:
    "Unknown emails and wrong passwords get the same answer. Failures are limited per address and account (5 in 15 minutes), per address over all accounts (20 in 15 minutes) and per account from anywhere (after 5 in a day, attempts are spaced out by delays that double up to 15 minutes; addresses the account signed in from before are not held up). Refusals are 429 with Retry-After.",
  request: body(loginSchema),
  responses: {
    200: json(tokensSchema, "Signed in"),
    401: json(errorSchema, "The email and password don't match"),
    403: json(errorSchema, "The account is disabled"),
    ...errors,
  },
});

const refresh = createRoute({
  method: "post",
  path: "/auth/refresh",
  operationId: "refreshTokens",
  security: [],
  tags: ["Accounts"],
  summary: "Exchange a refresh token for new tokens",
  description:
    "Each refresh token works once. Presenting one that was already exchanged ends the whole session.",
  request: body(refreshSchema),
  responses: {
    200: json(tokensSchema, "New access and refresh tokens"),
    401: json(errorSchema, "The token is unknown, used, expired or its session ended"),
    ...errors,
  },
});

const logout = createRoute({
  method: "post",
  path: "/auth/logout",
  operationId: "logout",
  tags: ["Accounts"],
  summary: "Sign out: end this session",
  security: bearer,
  middleware: [requireUser()] as const,
  responses: {
    204: { description: "Signed out; the access and refresh tokens no longer work" },
    401: json(errorSchema, "No valid access token"),
    429: errors[429],
  },
});

const me = createRoute({
  method: "get",
  path: "/me",
  operationId: "getMe",
  tags: ["Accounts"],
  summary: "The signed-in user",
  security: bearer,
  middleware: [requireUser()] as const,
  responses: {
    200: json(userSchema, "The user the access token belongs to"),
    401: json(errorSchema, "No valid access token"),
    429: errors[429],
  },
});

/** /api/v1 auth endpoints: tokens in the body, `Authorization: Bearer` afterwards. */
export function accountsApi({ accounts }: { accounts: Accounts }) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: apiHook });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  return app
    .openapi(register, async (c) => {
      const input = c.req.valid("json");
      await accounts.manage.admitSignUp(c.get("meta"));
      const user = await accounts.manage.register(input, c.get("meta"));
      const tokens = await accounts.sessions.startSession(user, c.get("meta"), "api");
      return c.json(tokens, 201);
    })
    .openapi(login, async (c) => {
      const tokens = await accounts.sessions.signIn(c.req.valid("json"), c.get("meta"), "api");
      return c.json(tokens, 200);
    })
    .openapi(refresh, async (c) => {
      // API clients get no grace: a second use of a token is theft.
      const result = await accounts.refresh(c.req.valid("json").refreshToken, c.get("meta"));
      if (result.kind !== "rotated") throw new Error("refresh without grace cannot race");
      const { kind: _, ...tokens } = result;
      return c.json(tokens, 200);
    })
    .openapi(logout, async (c) => {
      await accounts.auth.signOut(c.get("user")!, c.get("meta"));
      return c.body(null, 204);
    })
    .openapi(me, (c) => c.json(publicUser(c.get("user")!), 200));
}
