import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type Config, ConfigError, loadConfig as parse } from "./config.ts";
import { entropyBits } from "./config-checks.ts";

/** What `openssl rand -hex 32` gives. */
const goodSecret = "3f1c9a7be04d25e8c6b1f0a9d83e7c4b5a6f2e1d0c9b8a7f6e5d4c3b2a1f0e9d";
/** As if made at the first start and kept in DATA_DIR. */
const generated = { sessionSecret: "generated-session-secret", jwtKeys: "gen:generated-jwt-key" };
const loadConfig = (env: Record<string, string | undefined>): Readonly<Config> =>
  parse(env, generated);

/** The ConfigError thrown for this environment (fails the test when none is thrown). */
function problemsOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("gives working defaults for an empty environment", () => {
    const config = loadConfig({});
    expect(config).toEqual({
      env: "development",
      host: "0.0.0.0",
      port: 8000,
      publicUrl: undefined,
      dataDir: "./data",
      databaseUrl: undefined,
      databasePoolMax: 10,
      redisUrl: undefined,
      amqpUrl: undefined,
      workerInProcess: true,
      sessionSecret: "generated-session-secret",
      jwtKeys: [{ kid: "gen", secret: "generated-jwt-key" }],
      secretsGenerated: true,
      demoPassword: undefined,
      trustedProxies: [],
      apiRateLimitPerMinute: 100,
      cookieSecure: false,
      timeZone: "Europe/Paris",
      openingHours: [
        { opens: 480, closes: 780 },
        { opens: 420, closes: 1110 },
        { opens: 420, closes: 1110 },
        { opens: 420, closes: 1110 },
        { opens: 420, closes: 1110 },
        { opens: 420, closes: 1110 },
        { opens: 450, closes: 1020 },
      ],
      prepMinutes: 20,
      boardAmberMinutes: 5,
      boardRedMinutes: 10,
      kioskSessionHours: 12,
      smtpUrl: undefined,
      mailFrom: "Crumb Bakery <orders@crumb.invalid>",
      seedDemoData: true,
      catalogCacheTtlSeconds: 300,
      sseHeartbeatSeconds: 5,
      anonymousStreamsPerAddress: 50,
      signinRefusalPauseMs: 1000,
      shopName: "Crumb Bakery",
      currency: "EUR",
      locale: "en-GB",
      logLevel: "info",
      keyPrefix: "crumb",
      metricsToken: undefined,
      metricsPort: undefined,
      backupTime: "03:30",
      backupKeep: 7,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads the metrics, backup and key prefix settings, and refuses bad ones", () => {
    const config = loadConfig({
      METRICS_TOKEN: "sixteen-chars-ok",
      METRICS_PORT: "9090",
      BACKUP_TIME: "off",
      BACKUP_KEEP: "30",
      KEY_PREFIX: "bakery-2",
    });
    expect(config).toMatchObject({
      metricsToken: "sixteen-chars-ok",
      metricsPort: 9090,
      backupTime: undefined,
      backupKeep: 30,
      keyPrefix: "bakery-2",
    });
    expect(loadConfig({ BACKUP_TIME: "23:05" }).backupTime).toBe("23:05");
    const bad = (() => {
      try {
        loadConfig({
          METRICS_TOKEN: "short",
          METRICS_PORT: "70000",
          BACKUP_TIME: "25:00",
          BACKUP_KEEP: "0",
          KEY_PREFIX: "Has Spaces",
        });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (
      const name of ["METRICS_TOKEN", "METRICS_PORT", "BACKUP_TIME", "BACKUP_KEEP", "KEY_PREFIX"]
    ) {
      expect(bad).toContain(name);
    }
    // The token is never repeated in an error.
    expect(bad).not.toContain('"short"');
  });

  it("treats empty and blank values as unset", () => {
    const config = loadConfig({ PORT: "", DATABASE_URL: "  ", LOG_LEVEL: "", CRUMB_ENV: "" });
    expect(config.port).toBe(8000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.logLevel).toBe("info");
    expect(config.env).toBe("development");
  });

  it("reads the values it is given", () => {
    const config = loadConfig({
      PORT: "3000",
      DATABASE_URL: "postgresql://crumb:pw@db:5432/crumb",
      REDIS_URL: "rediss://cache:6380",
      AMQP_URL: "amqps://u:p@mq:5671/shop",
      PUBLIC_URL: "https://shop.example.com/",
      DATABASE_POOL_MAX: "25",
      LOG_LEVEL: "debug",
      CURRENCY: "GBP",
    });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBe("postgresql://crumb:pw@db:5432/crumb");
    expect(config.redisUrl).toBe("rediss://cache:6380");
    expect(config.amqpUrl).toBe("amqps://u:p@mq:5671/shop");
    expect(config.publicUrl).toBe("https://shop.example.com");
    expect(config.databasePoolMax).toBe(25);
    expect(config.logLevel).toBe("debug");
    expect(config.currency).toBe("GBP");
  });

  it("refuses PORT=abc with one line naming PORT and what is wrong", () => {
    const error = problemsOf({ PORT: "abc" });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^PORT must be a whole number from 0 to 65535/);
    expect(error.message).toContain("PORT");
    expect(error.message).toContain('"abc"');
    expect(error.message).not.toMatch(/[\r\n]/);
  });

  it.each(["70000", "-1", "8.5", "80 80", "0x50"])("refuses PORT=%j", (port) => {
    const error = problemsOf({ PORT: port });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^PORT /);
  });

  it("keeps the message on one line even when a value holds a newline", () => {
    const error = problemsOf({ PORT: "80\n81", LOG_LEVEL: "loud\r\nx" });
    expect(error.message).not.toMatch(/[\r\n]/);
  });

  it.each([
    ["DATABASE_URL", "localhost:5432"],
    ["DATABASE_URL", "http://x"],
    ["DATABASE_URL", "crumb"],
    ["DATABASE_URL", "postgres://"],
    ["REDIS_URL", "localhost:6379"],
    ["REDIS_URL", "http://cache:6379"],
    ["AMQP_URL", "rabbit:5672"],
    ["AMQP_URL", "https://mq"],
  ])("refuses a malformed %s (%j) and names it", (name, value) => {
    const error = problemsOf({ [name]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(new RegExp(`^${name} must be a URL like `));
  });

  it("lists every bad variable at once", () => {
    const error = problemsOf({
      PORT: "abc",
      DATABASE_URL: "localhost:5432",
      REDIS_URL: "http://x",
      AMQP_URL: "nope",
      LOG_LEVEL: "loud",
      WORKER_IN_PROCESS: "maybe",
    });
    const named = error.problems.map((p) => p.split(" ")[0]).sort();
    expect(named).toEqual([
      "AMQP_URL",
      "DATABASE_URL",
      "LOG_LEVEL",
      "PORT",
      "REDIS_URL",
      "WORKER_IN_PROCESS",
    ]);
    expect(error.message).not.toMatch(/[\r\n]/);
  });

  it("lists a production problem together with other bad variables", () => {
    const error = problemsOf({ CRUMB_ENV: "production", PORT: "abc" });
    const named = error.problems.map((p) => p.split(" ")[0]).sort();
    expect(named).toEqual(["PORT", "PUBLIC_URL"]);
  });

  it("never repeats a password or secret from a bad URL in the message", () => {
    const error = problemsOf({
      DATABASE_URL: "postgres//crumb:hunter2@db:5432/crumb",
      REDIS_URL: "http://:redispass@cache:6379",
      AMQP_URL: "amqp//user:mqsecret@mq",
    });
    expect(error.problems).toHaveLength(3);
    for (const secret of ["hunter2", "redispass", "mqsecret"]) {
      expect(error.message).not.toContain(secret);
    }
    // What is wrong stays visible: here the missing colon after the scheme.
    expect(error.message).toContain('(got "postgres//***@db:5432/crumb")');
    expect(problemsOf({ DATABASE_URL: "localhost:5432" }).message).toContain('"localhost:5432"');
  });

  describe("in production", () => {
    const production = (extra: Record<string, string> = {}) => ({
      CRUMB_ENV: "production",
      PUBLIC_URL: "https://shop.example.com",
      ...extra,
    });

    it("starts with the secrets made at the first start when none are given", () => {
      const config = loadConfig(production());
      expect(config.sessionSecret).toBe("generated-session-secret");
      expect(config.jwtKeys).toEqual([{ kid: "gen", secret: "generated-jwt-key" }]);
      expect(config.secretsGenerated).toBe(true);
    });

    it("refuses to start without PUBLIC_URL, saying so in one line", () => {
      const error = problemsOf(production({ PUBLIC_URL: "" }));
      expect(error.problems).toEqual([expect.stringMatching(/^PUBLIC_URL must be set/)]);
      expect(error.message).not.toMatch(/[\r\n]/);
    });

    it("refuses plain http unless ALLOW_INSECURE_HTTP says so", () => {
      const http = production({ PUBLIC_URL: "http://shop.example.com" });
      expect(problemsOf(http).problems).toEqual([
        expect.stringMatching(/^PUBLIC_URL must be an https address.*ALLOW_INSECURE_HTTP=true/),
      ]);
      const allowed = loadConfig({ ...http, ALLOW_INSECURE_HTTP: "true" });
      expect(allowed.cookieSecure).toBe(false);
      expect(problemsOf(production({ COOKIE_SECURE: "false" })).problems).toEqual([
        "COOKIE_SECURE=false needs ALLOW_INSECURE_HTTP=true in production",
      ]);
    });

    it("refuses secrets with too little randomness, without repeating them", () => {
      const weak = problemsOf(production({ SESSION_SECRET: "a".repeat(32) }));
      expect(weak.problems).toEqual([
        expect.stringMatching(/^SESSION_SECRET is too easy to guess/),
      ]);
      expect(weak.message).not.toContain("a".repeat(32));
      const published = "crumb-development-secret-do-not-use-in-production";
      for (const secret of ["x".repeat(31), "password".repeat(6), published]) {
        expect(problemsOf(production({ SESSION_SECRET: secret })).problems, secret).toHaveLength(1);
      }
      const key = problemsOf(production({ JWT_KEYS: `a:${"k".repeat(40)}` }));
      expect(key.problems).toEqual([expect.stringMatching(/^JWT_KEYS key "a" is too easy/)]);
      const twice = problemsOf(production({ JWT_KEYS: `a:${goodSecret},a:${goodSecret}` }));
      expect(twice.problems).toEqual(['JWT_KEYS names the key "a" twice']);
    });

    it("accepts what openssl rand makes", () => {
      const base64 = "q3J0cm5kb21ieXRlc2Zyb21vcGVuc3NsLWJhc2U2NDQ=";
      expect(entropyBits(goodSecret)).toBeGreaterThan(200);
      const config = loadConfig(
        production({ SESSION_SECRET: goodSecret, JWT_KEYS: `k1:${base64}` }),
      );
      expect(config.sessionSecret).toBe(goodSecret);
      expect(config.secretsGenerated).toBe(false);
    });

    it("reads rotating JWT keys: the first signs, all verify", () => {
      const old = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d";
      const config = loadConfig(production({ JWT_KEYS: `new:${goodSecret}, old:${old}` }));
      expect(config.jwtKeys).toEqual([
        { kid: "new", secret: goodSecret },
        { kid: "old", secret: old },
      ]);
    });

    it("refuses the sample credentials of the compose file and the servers' defaults", () => {
      const error = problemsOf(production({
        DATABASE_URL: "postgres://crumb:crumb@postgres:5432/crumb",
        AMQP_URL: "amqp://guest:guest@rabbitmq:5672",
        REDIS_URL: "redis://:redis@redis:6379",
      }));
      expect(error.problems.map((p) => p.split(" ")[0]).sort()).toEqual([
        "AMQP_URL",
        "DATABASE_URL",
        "REDIS_URL",
      ]);
      const own = loadConfig(production({
        DATABASE_URL: `postgres://crumb:${goodSecret}@postgres:5432/crumb`,
        AMQP_URL: `amqp://crumb:${goodSecret}@rabbitmq:5672`,
      }));
      expect(own.databaseUrl).toContain(goodSecret);
    });

    it("seeds demo data only when asked to", () => {
      expect(loadConfig(production()).seedDemoData).toBe(false);
      expect(loadConfig(production({ SEED_DEMO_DATA: "true" })).seedDemoData).toBe(true);
    });
  });

  it("reads the security settings", () => {
    const config = loadConfig({
      TRUSTED_PROXIES: " 10.0.0.1, 10.0.0.2 ,",
      API_RATE_LIMIT_PER_MINUTE: "250",
      DEMO_PASSWORD: "a-demo-password",
      PUBLIC_URL: "https://shop.example.com",
    });
    expect(config.trustedProxies).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(config.apiRateLimitPerMinute).toBe(250);
    expect(config.demoPassword).toBe("a-demo-password");
    // Cookies are Secure when the shop is served over https, unless configured otherwise.
    expect(config.cookieSecure).toBe(true);
    expect(loadConfig({ PUBLIC_URL: "http://localhost:8000" }).cookieSecure).toBe(false);
    expect(loadConfig({ COOKIE_SECURE: "true" }).cookieSecure).toBe(true);
  });

  it("reads the stream cap and the sign-in refusal pause, and refuses nonsense", () => {
    const config = loadConfig({
      SSE_ANONYMOUS_PER_ADDRESS: "8",
      SIGNIN_REFUSAL_PAUSE_MS: "0",
    });
    expect(config.anonymousStreamsPerAddress).toBe(8);
    expect(config.signinRefusalPauseMs).toBe(0);
    const error = problemsOf({
      SSE_ANONYMOUS_PER_ADDRESS: "0",
      SIGNIN_REFUSAL_PAUSE_MS: "60000",
    });
    expect(error.problems).toEqual([
      'SSE_ANONYMOUS_PER_ADDRESS must be a whole number from 1 to 100000 (got "0")',
      'SIGNIN_REFUSAL_PAUSE_MS must be a whole number from 0 to 10000 (got "60000")',
    ]);
  });

  it("refuses a short demo password and a bad rate limit, without echoing the password", () => {
    const error = problemsOf({ DEMO_PASSWORD: "short", API_RATE_LIMIT_PER_MINUTE: "0" });
    expect(error.problems.map((p) => p.split(" ")[0]).sort()).toEqual([
      "API_RATE_LIMIT_PER_MINUTE",
      "DEMO_PASSWORD",
    ]);
    expect(error.message).not.toContain("short");
  });

  it("reads the shop's hours, time zone and mail settings", () => {
    const config = loadConfig({
      TIMEZONE: "America/New_York",
      OPENING_HOURS: "tue-sat 06:30-14:00; sun closed",
      PREP_MINUTES: "45",
      SMTP_URL: "smtp://mailer:secret@mail.example.com:587",
    });
    expect(config.timeZone).toBe("America/New_York");
    expect(config.openingHours).toEqual([
      null,
      null,
      ...Array(5).fill({ opens: 390, closes: 840 }),
    ]);
    expect(config.prepMinutes).toBe(45);
    expect(config.smtpUrl).toBe("smtp://mailer:secret@mail.example.com:587");
  });

  it("refuses an unknown time zone and unreadable opening hours", () => {
    const error = problemsOf({
      TIMEZONE: "Mars/Olympus",
      OPENING_HOURS: "weekdays 7 to 6",
      SMTP_URL: "mail.example.com",
    });
    expect(error.problems.map((p) => p.split(" ")[0]).sort()).toEqual([
      "OPENING_HOURS",
      "SMTP_URL",
      "TIMEZONE",
    ]);
    expect(problemsOf({ OPENING_HOURS: "mon 18:00-07:00" }).message).toMatch(
      /OPENING_HOURS closes before it opens/,
    );
    expect(problemsOf({ OPENING_HOURS: "sun closed" }).message).toMatch(/closed every day/);
  });

  it("seeds demo data outside production unless switched off", () => {
    expect(loadConfig({}).seedDemoData).toBe(true);
    expect(loadConfig({ CRUMB_ENV: "test" }).seedDemoData).toBe(true);
    expect(loadConfig({ SEED_DEMO_DATA: "false" }).seedDemoData).toBe(false);
    expect(loadConfig({ SEED_DEMO_DATA: "0" }).seedDemoData).toBe(false);
  });

  it("has no secret of its own: without given or generated ones it does not start", () => {
    expect(() => parse({ CRUMB_ENV: "test" })).toThrow(
      "SESSION_SECRET and JWT_KEYS must be set, or generated in DATA_DIR",
    );
    const given = parse({ SESSION_SECRET: "s".repeat(20), JWT_KEYS: "k:" + "j".repeat(20) });
    expect(given.jwtKeys).toEqual([{ kid: "k", secret: "j".repeat(20) }]);
    expect(given.secretsGenerated).toBe(false);
  });

  describe("WORKER_IN_PROCESS", () => {
    const amqp = "amqp://guest:guest@127.0.0.1:5672";

    it("defaults to true without AMQP_URL", () => {
      expect(loadConfig({}).workerInProcess).toBe(true);
    });

    it("defaults to false with AMQP_URL and DATABASE_URL (a separate worker consumes)", () => {
      expect(loadConfig({ AMQP_URL: amqp, DATABASE_URL: "postgres://db/crumb" }).workerInProcess)
        .toBe(false);
    });

    it("stays true with RabbitMQ but the embedded database, which no worker can share", () => {
      expect(loadConfig({ AMQP_URL: amqp, WORKER_IN_PROCESS: "false" }).workerInProcess).toBe(
        true,
      );
    });

    it("can run the handlers in process next to RabbitMQ", () => {
      expect(loadConfig({ AMQP_URL: amqp, WORKER_IN_PROCESS: "yes" }).workerInProcess).toBe(true);
    });

    it("stays true on the embedded queue, where no other process could consume", () => {
      expect(loadConfig({ WORKER_IN_PROCESS: "false" }).workerInProcess).toBe(true);
    });

    it("refuses a value that is not a flag", () => {
      const error = problemsOf({ WORKER_IN_PROCESS: "maybe" });
      expect(error.problems).toEqual([
        'WORKER_IN_PROCESS must be true or false (got "maybe")',
      ]);
    });
  });
});

describe("starting with a bad environment", () => {
  it("stops with a non-zero exit code and exactly one line naming PORT", async () => {
    const root = fileURLToPath(new URL("../", import.meta.url));
    const env = { ...process.env, PORT: "abc", NO_COLOR: "1" } as Record<string, string>;
    delete env.CRUMB_ENV; // only PORT is wrong, whatever the surrounding shell says
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "src/main.ts"],
      cwd: root,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    expect(output.code).not.toBe(0);
    const lines = stderr.split("\n").filter((line) => line !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("PORT");
    expect(lines[0]).toContain("whole number");
    expect(new TextDecoder().decode(output.stdout)).toBe("");
  });
});
