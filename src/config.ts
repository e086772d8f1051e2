import { z } from "zod";

/**
 * Every setting Crumb reads, parsed once from the environment at boot.
 * This module is the only place that knows environment variable names.
 */

export const DEFAULT_SESSION_SECRET = "crumb-development-secret-do-not-use-in-production";

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
  SEED_DEMO_DATA: flag(true),
  CATALOG_CACHE_TTL_SECONDS: wholeNumber(1, 86_400, 300),
  SSE_HEARTBEAT_SECONDS: wholeNumber(1, 300, 20),
  SHOP_NAME: z.preprocess(emptyToUndefined, z.string().max(80).default("Crumb Bakery")),
  CURRENCY: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code such as EUR" }).default(
      "EUR",
    ),
  ),
  LOCALE: z.preprocess(emptyToUndefined, z.string().default("en-GB")),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["debug", "info", "warn", "error"], { message: "must be debug, info, warn or error" })
      .default("info"),
  ),
});

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
  seedDemoData: boolean;
  catalogCacheTtlSeconds: number;
  sseHeartbeatSeconds: number;
  shopName: string;
  currency: string;
  locale: string;
  logLevel: "debug" | "info" | "warn" | "error";
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
  if (raw === undefined || name === "SESSION_SECRET") return "";
  const value = urlVariables.has(name)
    ? raw.replace(/^((?:[a-z][a-z0-9+.-]*:?)?\/\/)?.*@/is, "$1***@")
    : raw;
  return ` (got ${JSON.stringify(value)})`;
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "environment");
    return `${name} ${issue.message}${shownValue(name, env[name])}`;
  });
  // Checked even when other variables are bad, so one start-up lists everything wrong.
  const production = env.CRUMB_ENV === "production";
  const secret = emptyToUndefined(env.SESSION_SECRET) as string | undefined;
  if (production) {
    if (!secret || secret === DEFAULT_SESSION_SECRET) {
      problems.push("SESSION_SECRET must be set to a private random value in production");
    } else if (secret.length < 32) {
      problems.push("SESSION_SECRET must be at least 32 characters in production");
    }
  }
  if (problems.length || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;

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
    // Without RabbitMQ the queue lives in this process: nothing else could run the jobs.
    workerInProcess: !e.AMQP_URL || (e.WORKER_IN_PROCESS ?? false),
    sessionSecret: e.SESSION_SECRET ?? DEFAULT_SESSION_SECRET,
    seedDemoData: !production && e.SEED_DEMO_DATA !== false,
    catalogCacheTtlSeconds: e.CATALOG_CACHE_TTL_SECONDS,
    sseHeartbeatSeconds: e.SSE_HEARTBEAT_SECONDS,
    shopName: e.SHOP_NAME,
    currency: e.CURRENCY,
    locale: e.LOCALE,
    logLevel: e.LOG_LEVEL,
  });
}

/** The config of this process's environment; on a bad value prints one line and exits. */
export function configFromEnvironment(): Readonly<Config> {
  try {
    return loadConfig(Deno.env.toObject());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      Deno.exit(1);
    }
    throw error;
  }
}
