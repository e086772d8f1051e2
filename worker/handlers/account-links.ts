import { z } from "zod";
import { tokenIsLive, type TokenPurpose } from "../../src/accounts/account-tokens.ts";
import { recordNotification } from "../../src/notify/queries.ts";
import type { Handler } from "./user-handler.ts";

/** A link message carries the token (it is stored only hashed); it is believed only if live. */
const linkPayload = z.object({ token: z.string().min(20).max(100) });

const links: Record<
  string,
  {
    purpose: TokenPurpose;
    kind: string;
    path: string;
    subject: (shop: string) => string;
    body: (link: string, shop: string) => string;
  }
> = {
  "user.password_reset_requested": {
    purpose: "password_reset",
    kind: "password_reset",
    path: "/reset-password",
    subject: (shop) => `Reset your ${shop} password`,
    body: (link) =>
      `someone (we hope you) asked to reset the password of your account. Choose a new one ` +
      `here:\n\n${link}\n\nThe link works once, for one hour. Choosing a new password signs ` +
      `you out everywhere. If you did not ask for this, ignore this message: your password ` +
      `stays as it is.`,
  },
  "user.verification_requested": {
    purpose: "verify_email",
    kind: "email_verification",
    path: "/verify-email",
    subject: (shop) => `Confirm your email address for ${shop}`,
    body: (link) =>
      `please confirm that this is your email address by opening this link:\n\n${link}\n\n` +
      `You can order once it is confirmed. The link works for 48 hours. If you did not ` +
      `create an account or change your address, ignore this message.`,
  },
};

/**
 * Mails the link a message names, to the address the token was made for, only while the
 * token still works: a replayed or forged message, or one for a link already replaced by a
 * newer one, sends nothing.
 */
export const accountLinkHandlers: Record<string, Handler> = Object.fromEntries(
  Object.entries(links).map(([type, link]) => {
    const handler: Handler = async (tx, deps, message, user) => {
      const { token } = linkPayload.parse(message.payload);
      const live = await tokenIsLive(tx, { token, userId: user.id, purpose: link.purpose });
      if (!live) return null;
      const url = `${deps.siteUrl}${link.path}?token=${encodeURIComponent(token)}`;
      return await recordNotification(tx, {
        messageId: message.id,
        userId: user.id,
        kind: link.kind,
        recipient: live.email,
        subject: link.subject(deps.shopName),
        body: `Hello ${user.name},\n\n${link.body(url, deps.shopName)}\n\n${deps.shopName}`,
      });
    };
    return [type, handler];
  }),
);
