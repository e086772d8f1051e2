import { createHmac } from "node:crypto";
import { sha256Hex } from "../infra/digest.ts";

/**
 * An invitation's link token: the shop's secret over the invitation's random salt. The app
 * and the worker derive the same token from the row, so no message has to carry it and the
 * database keeps only its hash.
 */
export function invitationToken(secret: string, salt: string): string {
  return createHmac("sha256", secret).update(`invitation:${salt}`).digest("base64url");
}

export const invitationTokenHash = (token: string) => sha256Hex(`invitation:${token}`);

/** The page where the invited person chooses their password. */
export const invitationPath = (token: string) => `/invitations/${token}`;

/** How long an invitation's link works. */
export const INVITATION_HOURS = 72;
