import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError, loadConfig } from "../src/config.ts";

/**
 * The container files publish no secret: the image starts in production, the compose file
 * takes every credential from the environment, and what it would hand the app with sample
 * passwords is refused.
 */

const root = new URL("../", import.meta.url);
const compose = await readFile(new URL("docker-compose.yml", root), "utf8");
const dockerfile = await readFile(new URL("Dockerfile", root), "utf8");

/** Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?message}`, for the given variables. */
function interpolate(text: string, vars: Record<string, string>) {
  return text.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name, op, rest) => {
    if (vars[name]) return vars[name];
    if (op === "-") return rest;
    throw new Error(`${name}: ${rest ?? "not set"}`);
  });
}

/** The environment the app and the worker get: the `x-app-env` block. */
function appEnvironment(vars: Record<string, string>) {
  const block = parse(compose)["x-app-env"] as Record<string, string>;
  return Object.fromEntries(
    Object.entries(block).map(([name, value]) => [name, interpolate(String(value), vars)]),
  );
}

const strong = "3f1c9a7be04d25e8c6b1f0a9d83e7c4b5a6f2e1d0c9b8a7f6e5d4c3b2a1f0e9d";
const operator = {
  POSTGRES_PASSWORD: "b0c2d4e6f8a1c3e5a7b9d1f3",
  RABBITMQ_PASSWORD: "f1e3d5c7b9a0e2c4a6b8d0f2",
  REDIS_PASSWORD: "a9b8c7d6e5f4a3b2c1d0e9f8",
  SESSION_SECRET: strong,
  JWT_KEYS: `k1:${strong}`,
  PUBLIC_URL: "https://shop.example.com",
};

describe("the container image", () => {
  it("starts in production unless told otherwise", () => {
    expect(dockerfile).toMatch(/^ENV CRUMB_ENV=production\b/m);
  });
});

describe("docker-compose.yml", () => {
  it("takes every password and secret from the environment, required", () => {
    const credentials = compose.split("\n").filter((line) =>
      /^\s+(\w*(PASSWORD|_PASS|SECRET|JWT_KEYS|AUTH)\w*|DATABASE_URL|AMQP_URL|REDIS_URL):/.test(
        line,
      )
    );
    expect(credentials.length).toBeGreaterThanOrEqual(8);
    for (const line of credentials) {
      expect(line, line).toMatch(/\$\{\w*(PASSWORD|SECRET|JWT_KEYS)\w*:\?/);
    }
    expect(compose).not.toMatch(/crumb:crumb|guest:guest|PASS(WORD)?: crumb\b/);
  });

  it("will not start without them, saying which is missing", () => {
    expect(() => appEnvironment({})).toThrow(/POSTGRES_PASSWORD: set POSTGRES_PASSWORD/);
    expect(() => appEnvironment({ ...operator, PUBLIC_URL: "" })).toThrow(/PUBLIC_URL/);
  });

  it("shows the RabbitMQ management UI only on the machine itself", () => {
    const mappings = compose.split("\n").filter((line) => line.includes("15672"));
    expect(mappings.filter((line) => /^\s+- "/.test(line))).toEqual([
      '      - "127.0.0.1:15672:15672"',
    ]);
  });

  it("hands the app a production environment it accepts with the operator's own values", () => {
    const config = loadConfig(appEnvironment(operator));
    expect(config.env).toBe("production");
    expect(config.cookieSecure).toBe(true);
    expect(config.databaseUrl).toContain(operator.POSTGRES_PASSWORD);
  });

  it("is refused by production when filled with the sample passwords of old", () => {
    const sample = { ...operator, POSTGRES_PASSWORD: "crumb", RABBITMQ_PASSWORD: "crumb" };
    let problems: string[] = [];
    try {
      loadConfig(appEnvironment(sample));
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(["AMQP_URL", "DATABASE_URL"]);
  });
});
