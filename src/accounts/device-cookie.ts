import type { Context } from "hono";
import { getSignedCookie, setSignedCookie } from "hono/cookie";
import { randomToken } from "../infra/digest.ts";

/**
 * A device cookie (OWASP's defence against lockout attacks): after a successful sign-in a
 * browser keeps a signed note of the accounts that signed in on it. Attempts from such a
 * browser pass an account's growing delays, so guessing from elsewhere never locks the
 * owner out; a device that fails too often loses that pass (see DEVICE_FAILURES).
 */
export const DEVICE_COOKIE = "crumb_device";
const KEPT_ACCOUNTS = 5;
const YEAR_SECONDS = 365 * 86_400;

export interface Device {
  /** Random, per browser: its failures are counted under it. */
  id: string;
  /** Accounts that signed in on this browser, most recent last. */
  userIds: number[];
}

const format = /^([A-Za-z0-9_-]{16,64})\.(\d{1,10}(?:-\d{1,10}){0,9})$/;

export async function readDevice(c: Context, secret: string): Promise<Device | undefined> {
  if (!c.req.header("Cookie")?.includes(DEVICE_COOKIE)) return undefined;
  const value = await getSignedCookie(c, secret, DEVICE_COOKIE);
  const match = typeof value === "string" ? format.exec(value) : null;
  if (!match) return undefined;
  return { id: match[1], userIds: match[2].split("-").map(Number) };
}

/** Notes that this account signed in on this browser. */
export async function rememberDevice(
  c: Context,
  options: { secret: string; secure: boolean },
  userId: number,
  device?: Device,
) {
  const userIds = [...(device?.userIds ?? []).filter((id) => id !== userId), userId]
    .slice(-KEPT_ACCOUNTS);
  const id = device?.id ?? randomToken(16);
  await setSignedCookie(c, DEVICE_COOKIE, `${id}.${userIds.join("-")}`, options.secret, {
    httpOnly: true,
    sameSite: "Lax",
    secure: options.secure,
    path: "/",
    maxAge: YEAR_SECONDS,
  });
}
