import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { settingNames } from "../../src/config.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";

/**
 * docker-compose.yml, Caddy's configuration and the monitoring files, read as their tools
 * would (no container engine runs here): the cluster they describe, and the metrics they use.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFile(root + path, "utf8");
// deno-lint-ignore no-explicit-any
let compose: any;
const service = (name: string) => compose.services[name];

beforeAll(async () => {
  compose = parse(await read("docker-compose.yml"), { merge: true });
});

describe("docker-compose.yml", () => {
  it("runs two app instances and the worker behind the proxy, on the three servers", () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ["app-1", "app-2", "postgres", "prometheus", "proxy", "rabbitmq", "redis", "worker"],
    );
    const upstreams = service("proxy").environment.CRUMB_UPSTREAMS.split(" ");
    expect(upstreams).toEqual(["app-1:8000", "app-2:8000"]);
    expect(service("proxy").volumes).toContain("./deploy/caddy/Caddyfile:/etc/caddy/Caddyfile:ro");
    expect(service("proxy").ports).toEqual(["8000:80"]);
    for (const app of ["app-1", "app-2", "worker"]) {
      expect(Object.keys(service(app).depends_on).sort()).toEqual([
        "postgres",
        "rabbitmq",
        "redis",
      ]);
    }
    expect(service("worker").command).toEqual(["deno", "run", "-A", "worker/main.ts"]);
    expect(service("prometheus").profiles).toEqual(["monitoring"]);
  });

  it("shares the uploaded images between the instances", () => {
    for (const app of ["app-1", "app-2"]) {
      expect(service(app).volumes).toEqual(["uploads:/app/data/uploads"]);
    }
    expect(compose.volumes).toHaveProperty("uploads");
  });

  it("sets only variables Crumb reads, and takes every credential from the environment", () => {
    for (const name of ["app-1", "app-2", "worker"]) {
      const env = service(name).environment;
      expect(Object.keys(env).filter((key) => !settingNames.includes(key)), name).toEqual([]);
      for (const secret of ["SESSION_SECRET", "JWT_KEYS"]) {
        expect(env[secret]).toMatch(/^\$\{\w+:\?[^}]+\}$/);
      }
      for (const url of ["DATABASE_URL", "AMQP_URL"]) expect(env[url]).toMatch(/\$\{\w+:\?/);
    }
    expect(service("postgres").environment.POSTGRES_PASSWORD).toMatch(/^\$\{\w+:\?/);
    expect(service("rabbitmq").environment.RABBITMQ_DEFAULT_PASS).toMatch(/^\$\{\w+:\?/);
  });

  it("believes X-Forwarded-For only from the proxy's fixed address", () => {
    const proxyAddress = service("proxy").networks.default.ipv4_address;
    expect(service("app-1").environment.TRUSTED_PROXIES).toBe(proxyAddress);
    const subnet = compose.networks.default.ipam.config[0].subnet as string;
    expect(proxyAddress.startsWith(subnet.split(".").slice(0, 3).join("."))).toBe(true);
  });

  it("keeps /metrics off the proxied port, on ports Prometheus scrapes", async () => {
    expect(service("app-1").environment.METRICS_PORT).toBe("9090");
    expect(service("worker").environment.METRICS_PORT).toBe("9091");
    const prometheus = parse(await read("deploy/prometheus/prometheus.yml"));
    const targets = prometheus.scrape_configs.flatMap(
      (job: { static_configs: { targets: string[] }[] }) => job.static_configs[0].targets,
    );
    expect(targets.sort()).toEqual(["app-1:9090", "app-2:9090", "worker:9091"]);
  });
});

describe("deploy/caddy/Caddyfile", () => {
  it("balances over the instances it is given, streams unbuffered and skips unready ones", async () => {
    const caddyfile = await read("deploy/caddy/Caddyfile");
    expect(caddyfile).toContain("reverse_proxy {$CRUMB_UPSTREAMS}");
    expect(caddyfile).toMatch(/^\s*flush_interval -1$/m);
    expect(caddyfile).toMatch(/^\s*health_uri \/readyz$/m);
    expect(caddyfile).toMatch(/^\s*lb_try_duration \d+s$/m);
  });
});

describe("the shipped dashboard and alerts", () => {
  it("use only metrics Crumb exports", async () => {
    const metrics = createMetrics({ defaults: true });
    metrics.watch({ pool: () => Promise.resolve({ inUse: 0, open: 1, max: 1 }) });
    const exported = new Set(
      (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name),
    );
    const used = new Set<string>();
    const dashboard = JSON.parse(await read("deploy/grafana/crumb-dashboard.json"));
    const expressions: string[] = dashboard.panels.flatMap(
      (panel: { targets: { expr: string }[] }) => panel.targets.map((t) => t.expr),
    );
    expressions.push(await read("deploy/prometheus/alerts.yml"));
    for (const text of expressions) {
      for (const [name] of text.matchAll(/\b(?:crumb|http|process|nodejs)_[a-z0-9_]+/g)) {
        used.add(name.replace(/_(bucket|count|sum)$/, ""));
      }
    }
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });
});
