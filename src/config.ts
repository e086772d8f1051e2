import { z } from "zod";
import { type OpeningHours, parseOpeningHours } from "./shop/hours.ts";
import { parseJwtKeys, productionProblems } from "./config-checks.ts";
import { type GeneratedSecrets, loadOrCreateSecrets } from "./infra/secrets.ts";

/**
 * Every setting Crumb reads, parsed once from the environment at boot.
 * This module is the only place that knows environment variable names.
 */

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const urlWithProtocols = (protocols: string[], example: string) =>
  z.preprocess(
    emptyToUndefined,
    z.string().refine((value) => {
      try {
        const url = new URL(value);
        return protocols.includes(url.protocol) && url.hostname !== "";
      } catch {
        return false;
      }
    }, { message: `must be a URL like ${example}` }).optional(),
  );

const wholeNumber = (min: number, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.string().optional().transform((v, ctx) => {
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    }),
  );

const flag = (fallback: boolean | undefined) =>
  z.preprocess(
    emptyToUndefined,
    z.string().optional().transform((v, ctx) => {
      if (v === undefined) return fallback;
      const s = v.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(s)) return true;
      if (["0", "false", "no", "off"].includes(s)) return false;
      ctx.addIssue({ code: "custom", message: "must be true or false" });
      return z.NEVER;
    }),
  );

const envSchema = z.object({
  CRUMB_ENV: z.preprocess(
    emptyToUndefined,
    z.enum(["development", "test", "production"], {
      message: "must be development, test or production",
    }).default("development"),
  ),
  HOST: z.preprocess(emptyToUndefined, z.string().default("0.0.0.0")),
  PORT: wholeNumber(0, 65535, 8000),
  PUBLIC_URL: urlWithProtocols(["http:", "https:"], "https://shop.example.com"),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./data")),
  DATABASE_URL: urlWithProtocols(
    ["postgres:", "postgresql:"],
    "postgres://user:password@host:5432/crumb",
  ),
  DATABASE_POOL_MAX: wholeNumber(1, 200, 10),
  REDIS_URL: urlWithProtocols(["redis:", "rediss:"], "redis://host:6379"),
  AMQP_URL: urlWithProtocols(["amqp:", "amqps:"], "amqp://user:password@host:5672"),
  WORKER_IN_PROCESS: flag(undefined),
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  SEED_DEMO_DATA: flag(undefined),
  JWT_KEYS: z.preprocess(emptyToUndefined, z.string().optional()),
  DEMO_PASSWORD: z.preprocess(
    emptyToUndefined,
    z.string().min(10, { message: "must be at least 10 characters" }).optional(),
  ),
  TRUSTED_PROXIES: z.preprocess(emptyToUndefined, z.string().optional()),
  API_RATE_LIMIT_PER_MINUTE: wholeNumber(1, 1_000_000, 100),
  COOKIE_SECURE: flag(undefined),
  ALLOW_INSECURE_HTTP: flag(false),
  TIMEZONE: z.preprocess(
    emptyToUndefined,
    z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, { message: "must be an IANA time zone such as Europe/Paris" }).default("Europe/Paris"),
  ),
  OPENING_HOURS: z.preprocess(
    emptyToUndefined,
    z.string().default("mon-fri 07:00-18:30; sat 07:30-17:00; sun 08:00-13:00"),
  ),
  PREP_MINUTES: wholeNumber(0, 24 * 60, 20),
  BOARD_AMBER_MINUTES: wholeNumber(1, 240, 5),
  BOARD_RED_MINUTES: wholeNumber(1, 480, 10),
  KIOSK_SESSION_HOURS: wholeNumber(1, 72, 12),
  SMTP_URL: urlWithProtocols(["smtp:", "smtps:"], "smtp://user:password@mail.example.com:587"),
  MAIL_FROM: z.preprocess(
    emptyToUndefined,
    z.string().max(200).default("Crumb Bakery <orders@crumb.invalid>"),
  ),
  CATALOG_CACHE_TTL_SECONDS: wholeNumber(1, 86_400, 300),
  SSE_HEARTBEAT_SECONDS: wholeNumber(1, 300, 5),
  SSE_ANONYMOUS_PER_ADDRESS: wholeNumber(1, 100_000, 50),
  SIGNIN_REFUSAL_PAUSE_MS: wholeNumber(0, 10_000, 1000),
  SHOP_NAME: z.preprocess(emptyToUndefined, z.string().max(80).default("Crumb Bakery")),
  CURRENCY: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code such as EUR" }).default(
      "EUR",
    ),
  ),
  LOCALE: z.preprocess(emptyToUndefined, z.string().default("en-GB")),
  KEY_PREFIX: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[a-z0-9_-]{1,40}$/, {
      message: "must be 1 to 40 lowercase letters, digits, - or _",
    }).default("crumb"),
  ),
  METRICS_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().min(16, { message: "must be at least 16 characters" }).optional(),
  ),
  METRICS_PORT: z.preprocess(
    emptyToUndefined,
    z.string().optional().transform((v, ctx) => {
      if (v === undefined) return undefined;
      if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > 65535) {
        ctx.addIssue({ code: "custom", message: "must be a port number from 1 to 65535" });
        return z.NEVER;
      }
      return Number(v);
    }),
  ),
  BACKUP_TIME: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^(off|([01]\d|2[0-3]):[0-5]\d)$/, {
      message: 'must be a time like 03:30 (the shop\'s time zone) or "off"',
    }).default("03:30"),
  ),
  BACKUP_KEEP: wholeNumber(1, 365, 7),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["debug", "info", "warn", "error"], { message: "must be debug, info, warn or error" })
      .default("info"),
  ),
});

/** Every environment variable Crumb reads (deployment manifests are checked against it). */
export const settingNames: readonly string[] = Object.keys(envSchema.shape);

export interface Config {
  env: "development" | "test" | "production";
  host: string;
  port: number;
  publicUrl?: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolMax: number;
  redisUrl?: string;
  amqpUrl?: string;
  /** Run the job handlers inside the web process (always so with the embedded queue). */
  workerInProcess: boolean;
  sessionSecret: string;
  /** JWT signing keys by id; the first signs new tokens, all verify (key rotation). */
  jwtKeys: { kid: string; secret: string }[];
  /** Password of the demo accounts; generated at start when unset. */
  demoPassword?: string;
  /** Peers whose X-Forwarded-For is believed. */
  trustedProxies: string[];
  apiRateLimitPerMinute: number;
  /** Cookies only over https. */
  cookieSecure: boolean;
  /** Secrets were not configured: the ones made at first start and kept in DATA_DIR. */
  secretsGenerated: boolean;
  /** The shop's time zone: opening hours, pickup slots and order codes follow it. */
  timeZone: string;
  openingHours: OpeningHours;
  /** Minutes from order to the earliest pickup. */
  prepMinutes: number;
  /** Board tickets turn amber this close to pickup or after waiting this long in New. */
  boardAmberMinutes: number;
  /** Board tickets in New turn red after waiting this long (and every ticket at pickup time). */
  boardRedMinutes: number;
  /** How long a kiosk (board device) stays signed in: a shift. */
  kioskSessionHours: number;
  smtpUrl?: string;
  mailFrom: string;
  seedDemoData: boolean;
  catalogCacheTtlSeconds: number;
  sseHeartbeatSeconds: number;
  /** Concurrent event streams one signed-out client address may hold (per instance). */
  anonymousStreamsPerAddress: number;
  /** How long a refused sign-in (too many attempts, checks queue full) waits for its answer. */
  signinRefusalPauseMs: number;
  shopName: string;
  currency: string;
  locale: string;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Store keys start with `<keyPrefix>:` and queue names with `<keyPrefix>.`. */
  keyPrefix: string;
  /** Bearer token `/metrics` asks for; required in production unless metricsPort is set. */
  metricsToken?: string;
  /**
   * The app serves `/metrics` only on this port (not the shop's); the worker serves its
   * `/metrics`, `/healthz` and `/readyz` on it (9091 when unset).
   */
  metricsPort?: number;
  /** When the one-container (embedded) mode backs up each day, shop time; undefined: never. */
  backupTime?: string;
  /** How many daily backups are kept in DATA_DIR/backups. */
  backupKeep: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** Variables whose values may carry credentials: shown with any `user:password@` masked. */
const urlVariables = new Set(["DATABASE_URL", "REDIS_URL", "AMQP_URL", "PUBLIC_URL"]);

/** The value quoted back in a problem, never with a password in it. */
function shownValue(name: string, raw: string | undefined): string {
  if (
    raw === undefined ||
    ["SESSION_SECRET", "JWT_KEYS", "DEMO_PASSWORD", "METRICS_TOKEN"].includes(name)
  ) {
    return "";
  }
  const value = urlVariables.has(name)
    ? raw.replace(/^((?:[a-z][a-z0-9+.-]*:?)?\/\/)?.*@/is, "$1***@")
    : raw;
  return ` (got ${JSON.stringify(value)})`;
}

const given = (env: Record<string, string | undefined>, name: string) =>
  emptyToUndefined(env[name]) as string | undefined;

/**
 * Parses the environment; throws ConfigError naming every bad variable. SESSION_SECRET and
 * JWT_KEYS not given come from `generated` (made at first start and kept in DATA_DIR).
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  generated?: GeneratedSecrets,
): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "environment");
    return `${name} ${issue.message}${shownValue(name, env[name])}`;
  });
  // Checked even when other variables are bad, so one start-up lists everything wrong.
  const secret = given(env, "SESSION_SECRET");
  const jwtKeys = parseJwtKeys(given(env, "JWT_KEYS"), problems);
  const sessionSecret = secret ?? generated?.sessionSecret;
  const signingKeys = given(env, "JWT_KEYS") ? jwtKeys : parseJwtKeys(generated?.jwtKeys, []);
  // A JWT_KEYS that was given but is malformed has its own problem above.
  if (!sessionSecret || (!signingKeys.length && !given(env, "JWT_KEYS"))) {
    problems.push("SESSION_SECRET and JWT_KEYS must be set, or generated in DATA_DIR");
  }
  if (env.CRUMB_ENV === "production") {
    const says = (name: string, words: string[]) =>
      words.includes(given(env, name)?.trim().toLowerCase() ?? "");
    problems.push(...productionProblems({
      publicUrl: given(env, "PUBLIC_URL"),
      allowInsecureHttp: says("ALLOW_INSECURE_HTTP", ["1", "true", "yes", "on"]),
      cookieSecure: says("COOKIE_SECURE", ["0", "false", "no", "off"]) ? false : undefined,
      sessionSecret: secret,
      jwtKeys,
      urls: { DATABASE_URL: env.DATABASE_URL, AMQP_URL: env.AMQP_URL, REDIS_URL: env.REDIS_URL },
    }));
  }
  let openingHours: OpeningHours | undefined;
  try {
    openingHours = parseOpeningHours(
      (emptyToUndefined(env.OPENING_HOURS) as string | undefined) ??
        "mon-fri 07:00-18:30; sat 07:30-17:00; sun 08:00-13:00",
    );
  } catch (error) {
    problems.push(`OPENING_HOURS ${(error as Error).message}`);
  }
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  const production = e.CRUMB_ENV === "production";

  return Object.freeze({
    env: e.CRUMB_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ""),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    redisUrl: e.REDIS_URL,
    amqpUrl: e.AMQP_URL,
    // Without RabbitMQ the queue lives in this process, and an embedded database cannot be
    // shared with a worker process: in both cases only this process can run the jobs.
    workerInProcess: !e.AMQP_URL || !e.DATABASE_URL || (e.WORKER_IN_PROCESS ?? false),
    sessionSecret: sessionSecret!,
    jwtKeys: signingKeys,
    secretsGenerated: !secret || !given(env, "JWT_KEYS"),
    demoPassword: e.DEMO_PASSWORD,
    trustedProxies: (e.TRUSTED_PROXIES ?? "").split(",").map((p) => p.trim()).filter(Boolean),
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    cookieSecure: e.COOKIE_SECURE ?? (e.PUBLIC_URL?.startsWith("https://") ?? false),
    timeZone: e.TIMEZONE,
    openingHours: openingHours!,
    prepMinutes: e.PREP_MINUTES,
    boardAmberMinutes: e.BOARD_AMBER_MINUTES,
    boardRedMinutes: e.BOARD_RED_MINUTES,
    kioskSessionHours: e.KIOSK_SESSION_HOURS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    // Production never shows demo accounts unless asked to (a demo server).
    seedDemoData: production ? e.SEED_DEMO_DATA === true : e.SEED_DEMO_DATA !== false,
    catalogCacheTtlSeconds: e.CATALOG_CACHE_TTL_SECONDS,
    sseHeartbeatSeconds: e.SSE_HEARTBEAT_SECONDS,
    anonymousStreamsPerAddress: e.SSE_ANONYMOUS_PER_ADDRESS,
    signinRefusalPauseMs: e.SIGNIN_REFUSAL_PAUSE_MS,
    shopName: e.SHOP_NAME,
    currency: e.CURRENCY,
    locale: e.LOCALE,
    logLevel: e.LOG_LEVEL,
    keyPrefix: e.KEY_PREFIX,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    backupTime: e.BACKUP_TIME === "off" ? undefined : e.BACKUP_TIME,
    backupKeep: e.BACKUP_KEEP,
  });
}

/**
 * The config of this process's environment; on a bad value prints one line and exits. Secrets
 * not given are read from DATA_DIR, made there at the first start.
 */
export function configFromEnvironment(): Readonly<Config> {
  const env = Deno.env.toObject();
  try {
    const missing = !given(env, "SESSION_SECRET") || !given(env, "JWT_KEYS");
    if (!missing) return loadConfig(env);
    // Everything else is checked first: a bad PORT writes no secrets anywhere.
    loadConfig(env, { sessionSecret: "not yet made", jwtKeys: "k:not yet made" });
    const dataDir = given(env, "DATA_DIR") ?? "./data";
    return loadConfig(env, loadOrCreateSecrets(dataDir).secrets);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      Deno.exit(1);
    }
    throw error;
  }
}
