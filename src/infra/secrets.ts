import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { randomToken } from "./digest.ts";

/**
 * The shop's own secrets when none are configured: made once, at the first start, from 256
 * random bits each, and kept in DATA_DIR where only the app's user can read them. There is no
 * secret in the code to fall back to.
 */
export interface GeneratedSecrets {
  sessionSecret: string;
  /** `kid:secret`, the format of JWT_KEYS. */
  jwtKeys: string;
}

export const SECRETS_FILE = "secrets.json";

/** Reads the secrets kept in `dataDir`, making them first if there are none yet. */
export function loadOrCreateSecrets(dataDir: string): {
  secrets: GeneratedSecrets;
  created: boolean;
  path: string;
} {
  const path = join(dataDir, SECRETS_FILE);
  mkdirSync(dataDir, { recursive: true });
  const fresh: GeneratedSecrets = {
    sessionSecret: randomToken(32),
    jwtKeys: `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}:${randomToken(32)}`,
  };
  let created = false;
  // Written whole under another name, then linked into place only if absent: two processes
  // starting at once keep the same secrets, and nobody ever reads a half-written file.
  const draft = `${path}.${crypto.randomUUID()}`;
  writeFileSync(draft, JSON.stringify(fresh, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  try {
    linkSync(draft, path);
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(draft);
  }
  // A copy restored from a backup may have come back readable by others.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return { secrets: parse(readFileSync(path, "utf8"), path), created, path };
}

function parse(text: string, path: string): GeneratedSecrets {
  let value: Partial<GeneratedSecrets>;
  try {
    value = JSON.parse(text);
  } catch {
    value = {};
  }
  if (typeof value.sessionSecret !== "string" || typeof value.jwtKeys !== "string") {
    throw new Error(
      `${path} is damaged. Restore it from a backup, or delete it to make new secrets (everyone will have to sign in again).`,
    );
  }
  return { sessionSecret: value.sessionSecret, jwtKeys: value.jwtKeys };
}
