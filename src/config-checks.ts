/**
 * What production refuses to start with: secrets anyone could guess, credentials copied from a
 * sample, cookies sent over plain http. Each problem is a sentence naming the variable. And the
 * parsing of JWT_KEYS, which these checks read.
 */

/** `kid:secret,kid2:secret2`: the first key signs, every key verifies. */
export function parseJwtKeys(raw: string | undefined, problems: string[]) {
  if (!raw) return [];
  const keys: { kid: string; secret: string }[] = [];
  for (const part of raw.split(",")) {
    const at = part.indexOf(":");
    const kid = part.slice(0, at).trim();
    const secret = part.slice(at + 1).trim();
    if (at < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid) || !secret) {
      problems.push('JWT_KEYS must be a comma-separated list of kid:secret (e.g. "2026a:…")');
      return [];
    }
    if (keys.some((k) => k.kid === kid)) {
      problems.push(`JWT_KEYS names the key "${kid}" twice`);
      return [];
    }
    keys.push({ kid, secret });
  }
  return keys;
}

import { createHash } from "node:crypto";
import { deflateRawSync } from "node:zlib";

/** Bits a secret must carry at least, as estimated below. */
export const MIN_SECRET_BITS = 128;

/**
 * An estimate of a secret's entropy, the smaller of two: its length times the Shannon entropy
 * of its characters (32 × "a" has none), and its size deflated (a word repeated shrinks to
 * little more than the word). `openssl rand -hex 32` scores about 250 bits. (zxcvbn and its
 * kind rate passwords people type; a machine-made key needs only this.)
 */
export function entropyBits(secret: string): number {
  const chars = [...secret];
  const counts = new Map<string, number>();
  for (const ch of chars) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  const deflated = deflateRawSync(new TextEncoder().encode(secret), { level: 9 }).length * 8;
  return Math.min(perChar * chars.length, deflated);
}

/** SHA-256 of secrets that were published with Crumb's code (the old development default). */
const PUBLISHED = new Set([
  "a0738055e12b1d38f9afe5cc26234869c12064d594a4fb93a65d29b43dbab8c1",
]);

export const weakSecret = (secret: string) =>
  entropyBits(secret) < MIN_SECRET_BITS ||
  PUBLISHED.has(createHash("sha256").update(secret).digest("hex"));

/** Passwords that ship in samples and defaults: the old compose file's, RabbitMQ's, Postgres'. */
const SAMPLE_PASSWORDS = new Set([
  "crumb",
  "guest",
  "postgres",
  "password",
  "changeme",
  "secret",
  "admin",
  "rabbitmq",
  "redis",
]);

/** The URL's password when it is a sample one or the user name again; undefined otherwise. */
export function sampleCredential(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  if (!password) return undefined;
  if (SAMPLE_PASSWORDS.has(password.toLowerCase()) || password === user) return password;
  return undefined;
}

export interface ProductionInput {
  publicUrl?: string;
  allowInsecureHttp: boolean;
  cookieSecure?: boolean;
  sessionSecret?: string;
  jwtKeys: { kid: string; secret: string }[];
  urls: Record<string, string | undefined>;
}

export function productionProblems(input: ProductionInput): string[] {
  const problems: string[] = [];
  if (!input.publicUrl) {
    problems.push(
      "PUBLIC_URL must be set in production: the shop's address, e.g. https://shop.example.com (cookies and HSTS depend on it)",
    );
  } else if (!input.publicUrl.startsWith("https://") && !input.allowInsecureHttp) {
    problems.push(
      "PUBLIC_URL must be an https address in production; to serve over plain http anyway, set ALLOW_INSECURE_HTTP=true",
    );
  }
  if (input.cookieSecure === false && !input.allowInsecureHttp) {
    problems.push("COOKIE_SECURE=false needs ALLOW_INSECURE_HTTP=true in production");
  }
  if (input.sessionSecret !== undefined && weakSecret(input.sessionSecret)) {
    problems.push(
      `SESSION_SECRET is too easy to guess (at least ${MIN_SECRET_BITS} bits of randomness: openssl rand -hex 32)`,
    );
  }
  for (const key of input.jwtKeys) {
    if (weakSecret(key.secret)) {
      problems.push(
        `JWT_KEYS key "${key.kid}" is too easy to guess (at least ${MIN_SECRET_BITS} bits of randomness: openssl rand -hex 32)`,
      );
    }
  }
  for (const [name, url] of Object.entries(input.urls)) {
    if (sampleCredential(url) !== undefined) {
      problems.push(`${name} uses a sample password; give the service a private one`);
    }
  }
  return problems;
}
