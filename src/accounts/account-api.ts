import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { apiHook } from "../http/api.ts";
import type { AppEnv } from "../http/env.ts";
import { errorSchema } from "../http/errors.ts";
import type { Accounts } from "./index.ts";
import { requireUser } from "./middleware.ts";
import { emailField } from "./schema.ts";
import { text } from "../http/fields.ts";

/** /api/v1: forgotten passwords, proving an address, the data export and deletion. */

const json = <T>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});
const body = <T>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
const bearer = [{ bearerAuth: [] }];
/** Works without an access token; with one, it must be of the account the link is for. */
const optionalBearer: { [name: string]: string[] }[] = [{}, { bearerAuth: [] }];
const invalid = { 400: json(errorSchema, "The body or the link is not valid; see `code`") };
const limitedAnswer = { 429: json(errorSchema, "Too many requests; see Retry-After") };
const unauthenticated = { 401: json(errorSchema, "No valid access token") };

const tokenField = text("Send the token from the link.").min(1, "Send the token from the link.")
  .max(200, "That is not a token from one of our links.");
const passwordField = text("Enter a password.").min(1, "Enter a password.")
  .max(256, "Use at most 256 characters.");

const resetRequest = createRoute({
  method: "post",
  path: "/auth/password-reset",
  operationId: "requestPasswordReset",
  tags: ["Accounts"],
  summary: "Mail a password reset link",
  description:
    "Answers the same whether or not the address has an account. The link works once, for one hour, and not after a newer link or a password change. At most 3 requests per address and 10 per client network an hour.",
  security: [],
  request: body(z.object({ email: emailField }).openapi("PasswordResetRequest")),
  responses: {
    202: { description: "If the address has an account, a link is on its way" },
    ...invalid,
    ...limitedAnswer,
  },
});

const resetConfirm = createRoute({
  method: "post",
  path: "/auth/password-reset/confirm",
  operationId: "resetPassword",
  tags: ["Accounts"],
  summary: "Choose a new password with the token from a reset link",
  description:
    "Every session of the account ends. Refusals: `token_invalid` (unknown or not a reset token), `token_used`, `token_expired` (also after a newer link or a password change), `validation_failed` (the password).",
  security: [],
  request: body(
    z.object({ token: tokenField, password: passwordField }).openapi("PasswordResetConfirm"),
  ),
  responses: { 204: { description: "Password changed; sign in with it" }, ...invalid },
});

const verifyRoute = createRoute({
  method: "post",
  path: "/auth/verify-email",
  operationId: "verifyEmail",
  tags: ["Accounts"],
  summary: "Confirm an email address with the token from a verification link",
  description:
    "The address the link was sent to becomes the account's confirmed address (a new address replaces the old one only now). With an access token of another account: 403 `token_foreign`.",
  security: optionalBearer,
  request: body(z.object({ token: tokenField }).openapi("VerifyEmailRequest")),
  responses: {
    200: json(z.object({ email: z.string() }).openapi("VerifiedEmail"), "The confirmed address"),
    ...invalid,
    403: json(errorSchema, "The link belongs to another account than the signed-in one"),
    409: json(errorSchema, "Another account uses the address now"),
  },
});

const resend = createRoute({
  method: "post",
  path: "/me/verification",
  operationId: "resendVerification",
  tags: ["Accounts"],
  summary: "Mail the verification link again",
  security: bearer,
  middleware: [requireUser()] as const,
  responses: {
    202: { description: "A new link is on its way; earlier ones no longer work" },
    ...unauthenticated,
    409: json(errorSchema, "The address is already confirmed"),
    ...limitedAnswer,
  },
});

const changeEmail = createRoute({
  method: "post",
  path: "/me/email",
  operationId: "changeEmail",
  tags: ["Accounts"],
  summary: "Change the email address (after the new one is confirmed)",
  security: bearer,
  middleware: [requireUser()] as const,
  request: body(
    z.object({ email: emailField, password: passwordField }).openapi("EmailChangeRequest"),
  ),
  responses: {
    202: { description: "A link went to the new address; the old one stays until it is opened" },
    ...invalid,
    ...unauthenticated,
    ...limitedAnswer,
  },
});

const exportData = createRoute({
  method: "get",
  path: "/me/export",
  operationId: "exportAccountData",
  tags: ["Accounts"],
  summary: "Everything the shop keeps about the signed-in customer",
  security: bearer,
  middleware: [requireUser()] as const,
  responses: {
    200: json(
      z.object({
        exportedAt: z.string(),
        profile: z.record(z.string(), z.unknown()),
        orders: z.array(z.record(z.string(), z.unknown())),
        notifications: z.array(z.record(z.string(), z.unknown())),
      }).openapi("AccountExport"),
      "Profile, orders with their lines and history, messages sent",
    ),
    ...unauthenticated,
  },
});

const deleteAccount = createRoute({
  method: "post",
  path: "/me/deletion",
  operationId: "deleteAccount",
  tags: ["Accounts"],
  summary: "Delete the signed-in account",
  description:
    "Needs the password again. Every session ends at once; orders stay for the shop's books without the person's details. Refused with 409 while orders wait to be picked up.",
  security: bearer,
  middleware: [requireUser()] as const,
  request: body(z.object({ password: passwordField }).openapi("AccountDeletion")),
  responses: {
    204: { description: "The account is deleted" },
    ...invalid,
    ...unauthenticated,
    409: json(errorSchema, "Orders are still open, or this is the shop's only admin"),
    ...limitedAnswer,
  },
});

export function accountApi({ accounts }: { accounts: Accounts }) {
  return new OpenAPIHono<AppEnv>({ defaultHook: apiHook })
    .openapi(resetRequest, async (c) => {
      await accounts.recovery.requestReset(c.req.valid("json").email, c.get("meta"));
      return c.body(null, 202);
    })
    .openapi(resetConfirm, async (c) => {
      await accounts.recovery.resetPassword(c.req.valid("json"), c.get("meta"));
      return c.body(null, 204);
    })
    .openapi(verifyRoute, async (c) => {
      const { token } = c.req.valid("json");
      const user = c.get("user") ?? undefined;
      const verified = await accounts.recovery.verifyEmail(token, c.get("meta"), user);
      return c.json({ email: verified.email }, 200);
    })
    .openapi(resend, async (c) => {
      await accounts.recovery.resendVerification(c.get("user")!, c.get("meta"));
      return c.body(null, 202);
    })
    .openapi(changeEmail, async (c) => {
      await accounts.recovery.requestEmailChange(
        c.get("user")!,
        c.req.valid("json"),
        c.get("meta"),
      );
      return c.body(null, 202);
    })
    .openapi(exportData, async (c) => {
      const user = c.get("user")!;
      const data = await accounts.erasure.exportData(user, user.id, c.get("meta"));
      c.header("Cache-Control", "private, no-store");
      return c.json(JSON.parse(JSON.stringify(data)), 200);
    })
    .openapi(deleteAccount, async (c) => {
      const { password } = c.req.valid("json");
      await accounts.erasure.deleteOwn(c.get("user")!, password, c.get("meta"));
      return c.body(null, 204);
    });
}
