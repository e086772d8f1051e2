import { z } from "zod";
import { findInvitation } from "../../src/accounts/invitation-queries.ts";
import {
  INVITATION_HOURS,
  invitationPath,
  invitationToken,
} from "../../src/accounts/invitation-token.ts";
import { roleLabels } from "../../src/accounts/roles.ts";
import { recordNotification } from "../../src/notify/queries.ts";
import type { Handler } from "./user-handler.ts";

const aboutInvitation = z.object({
  invitationId: z.number().int().positive().max(2_147_483_647),
});

/**
 * The invitation's link, mailed to the invited account. The message names the invitation;
 * the link is derived from its row, and only an open invitation of that very account is
 * mailed (a forged or late message sends nothing).
 */
export const invitationMail: Handler = async (tx, deps, message, user) => {
  const { invitationId } = aboutInvitation.parse(message.payload);
  const invitation = await findInvitation(tx, invitationId);
  if (!invitation || invitation.userId !== user.id || invitation.state !== "open") return null;
  const link = deps.siteUrl +
    invitationPath(invitationToken(deps.invitationSecret, invitation.salt));
  const by = invitation.invitedByName ?? "The shop";
  const role = roleLabels[invitation.role].toLowerCase();
  return await recordNotification(tx, {
    messageId: message.id,
    userId: user.id,
    kind: "invitation",
    recipient: user.email,
    subject: `You are invited to ${deps.shopName}`,
    body: `Hello ${user.name},\n\n${by} has invited you to ${deps.shopName} as ${role}.\n\n` +
      `Choose your password here (the link works once, for ${INVITATION_HOURS} hours, until ` +
      `${deps.dateTime(invitation.expiresAt)}):\n${link}\n\n${deps.shopName}`,
  });
};
