import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";

/** argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane); runs off the main thread. */
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
const argon2id = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2id);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let decoy: Promise<string> | undefined;

/** Spends the time a real check would, so an unknown email answers as slowly as a known one. */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(crypto.randomUUID());
  await verifyPassword(await decoy, password);
  return false;
}

let common: Set<string> | undefined;

/** What is wrong with a new password, in words for the person choosing it; null when fine. */
export function passwordProblem(
  password: string,
  about: { email?: string; name?: string } = {},
): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  }
  common ??= new Set(dictionary["passwords-common"].map((p: string) => p.toLowerCase()));
  const lower = password.toLowerCase();
  if (common.has(lower)) {
    return "This password is on a list of common passwords. Choose one that is harder to guess.";
  }
  const email = about.email?.toLowerCase();
  if (email && (lower === email || lower === email.split("@")[0])) {
    return "Don't use your email address as your password.";
  }
  if (about.name && lower === about.name.toLowerCase()) {
    return "Don't use your name as your password.";
  }
  return null;
}
