import { z } from "@hono/zod-openapi";
import { roles } from "./roles.ts";
import { text } from "../http/fields.ts";

/** Account forms and API bodies; the OpenAPI document is generated from these. */

export const emailField = text("Enter your email address.").trim()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter an email address like name@example.com."))
  .openapi({ example: "ada@example.com" });

export const nameField = text("Tell us your name.").trim()
  .min(1, "Tell us your name.")
  .max(100, "Use at most 100 characters for your name.")
  .openapi({ example: "Ada Lovelace" });

const passwordField = text("Enter a password.").max(
  256,
  "Use at most 256 characters.",
);

export const registerSchema = z.object({
  email: emailField,
  password: passwordField.openapi({
    description: "At least 10 characters, not a common password",
    example: "crumbs-on-the-counter",
  }),
  name: nameField,
}).openapi("RegisterRequest");

export const loginSchema = z.object({
  email: text("Enter your email address.").trim().min(
    1,
    "Enter your email address.",
  ).max(254, "That email address is too long.").openapi({ example: "customer@demo.crumb" }),
  password: passwordField.min(1, "Enter your password."),
}).openapi("LoginRequest");

export const refreshSchema = z.object({
  refreshToken: text("Send the refresh token.").min(
    1,
    "Send the refresh token.",
  ).max(200, "That is not a refresh token."),
}).openapi("RefreshRequest");

export const changePasswordSchema = z.object({
  currentPassword: passwordField.min(1, "Enter your current password."),
  newPassword: passwordField,
});

export const userSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.enum(roles),
}).openapi("User");

export const tokensSchema = z.object({
  accessToken: z.string().openapi({ description: "JWT for `Authorization: Bearer`, 15 minutes" }),
  refreshToken: z.string().openapi({
    description: "Exchange at /auth/refresh; works once, 30 days",
  }),
  expiresIn: z.number().int().openapi({ description: "Seconds until the access token expires" }),
  user: userSchema,
}).openapi("Tokens");
