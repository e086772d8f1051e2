import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, settingNames } from "../../src/config.ts";
import { silentLogger } from "../../src/infra/log.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { workerHttp } from "../../worker/http.ts";
import { createTestContext, type TestContext } from "../harness.ts";

/**
 * The Kubernetes manifests, read as kustomize would: every resource parses, every variable
 * they set is one Crumb reads, the Secret and ConfigMap they name are the ones shipped, and
 * the probe paths answer on the app and the worker.
 */
const dir = fileURLToPath(new URL("../../deploy/kubernetes/", import.meta.url));
// deno-lint-ignore no-explicit-any
type Doc = any;

async function docs(file: string): Promise<Doc[]> {
  const parsed = parseAllDocuments(await readFile(dir + file, "utf8"));
  for (const doc of parsed) expect(doc.errors, file).toEqual([]);
  return parsed.map((doc) => doc.toJS()).filter(Boolean);
}

let kustomization: Doc;
let resources: Doc[];
let secretKeys: string[];
const byKind = (kind: string) => resources.filter((r) => r.kind === kind);
const named = (kind: string, name: string) =>
  resources.find((r) => r.kind === kind && r.metadata.name === name);
const deployment = (name: string) => named("Deployment", name);
const container = (name: string) => deployment(name).spec.template.spec.containers[0];
const configLiterals = () =>
  Object.fromEntries(
    kustomization.configMapGenerator[0].literals.map((l: string) => l.split(/=(.*)/s).slice(0, 2)),
  );

beforeAll(async () => {
  [kustomization] = await docs("kustomization.yaml");
  resources = (await Promise.all(kustomization.resources.map(docs))).flat();
  secretKeys = Object.keys((await docs("secret.example.yaml"))[0].stringData);
});

describe("deploy/kubernetes", () => {
  it("lists resources that parse, each with a kind and a name", () => {
    expect(resources.length).toBeGreaterThanOrEqual(kustomization.resources.length);
    for (const resource of resources) {
      expect(resource.apiVersion, JSON.stringify(resource)).toBeTruthy();
      expect(resource.metadata?.name, resource.kind).toBeTruthy();
    }
    expect(byKind("Deployment").map((d) => d.metadata.name).sort()).toEqual([
      "crumb-app",
      "crumb-worker",
    ]);
    for (const kind of ["Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget"]) {
      expect(byKind(kind).length, kind).toBeGreaterThan(0);
    }
  });

  it("sets only variables Crumb reads, from the ConfigMap and Secret it ships", () => {
    const set = new Set<string>(Object.keys(configLiterals()));
    for (const name of ["crumb-app", "crumb-worker"]) {
      const spec = container(name);
      for (const env of spec.env) {
        set.add(env.name);
        const ref = env.valueFrom?.secretKeyRef;
        if (ref) {
          expect(ref.name).toBe("crumb-secrets");
          expect(secretKeys, `${name} ${env.name}`).toContain(ref.key);
        }
      }
      for (const from of spec.envFrom) {
        expect(from.configMapRef.name).toBe(kustomization.configMapGenerator[0].name);
      }
    }
    for (const key of secretKeys) set.add(key);
    const unknown = [...set].filter((name) => !settingNames.includes(name));
    expect(unknown).toEqual([]);
  });

  it("adds up to a configuration Crumb accepts in production", () => {
    const env: Record<string, string> = { ...configLiterals() };
    for (const e of container("crumb-app").env) if (e.value !== undefined) env[e.name] = e.value;
    // Made as the manifests tell the operator to (openssl rand -hex 32).
    const secret = () => randomBytes(32).toString("hex");
    for (const key of secretKeys) env[key] = `${key === "JWT_KEYS" ? "k1:" : ""}${secret()}`;
    env.DATABASE_URL = "postgres://crumb:pw@crumb-postgres:5432/crumb";
    env.REDIS_URL = "redis://crumb-redis:6379";
    env.AMQP_URL = "amqp://crumb:pw@crumb-rabbitmq:5672";
    const config = loadConfig(env);
    expect(config.env).toBe("production");
    expect(config.workerInProcess).toBe(false);
    expect(config.metricsPort).toBe(9090);
  });

  it("runs two app replicas that leave gracefully, with resources, behind a Service and an SSE-friendly Ingress", () => {
    const app = deployment("crumb-app");
    expect(app.spec.replicas).toBe(2);
    expect(app.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const spec = container("crumb-app");
    expect(spec.lifecycle.preStop.exec.command).toEqual(["sleep", "5"]);
    expect(app.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(5);
    expect(spec.resources.requests.cpu).toBeTruthy();
    expect(spec.resources.limits.memory).toBeTruthy();
    const podLabels = app.spec.template.metadata.labels;
    const service = named("Service", "crumb-app");
    expect(podLabels).toMatchObject(service.spec.selector);
    const ingress = byKind("Ingress")[0];
    expect(ingress.metadata.annotations["nginx.ingress.kubernetes.io/proxy-buffering"]).toBe("off");
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe("crumb-app");
    expect(byKind("HorizontalPodAutoscaler")[0].spec.scaleTargetRef.name).toBe("crumb-app");
    expect(byKind("HorizontalPodAutoscaler")[0].spec.minReplicas).toBe(2);
    expect(podLabels).toMatchObject(byKind("PodDisruptionBudget")[0].spec.selector.matchLabels);
    const claim = app.spec.template.spec.volumes[0].persistentVolumeClaim.claimName;
    expect(named("PersistentVolumeClaim", claim).spec.accessModes).toEqual(["ReadWriteMany"]);
  });

  describe("probe paths", () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await createTestContext();
    });
    afterAll(() => t?.close());

    const probes = (name: string) => {
      const spec = container(name);
      return ["readinessProbe", "livenessProbe", "startupProbe"]
        .filter((probe) => spec[probe])
        .map((probe) => ({ probe, ...spec[probe].httpGet }));
    };

    it("answer on the app's port", async () => {
      const found = probes("crumb-app");
      expect(found.map((p) => p.path).sort()).toEqual(["/healthz", "/healthz", "/readyz"]);
      for (const { path, port } of found) {
        expect(port).toBe("http");
        expect((await t.app.request(path)).status, path).toBe(200);
      }
    });

    it("answer on the worker's metrics port", async () => {
      const worker = workerHttp({ metrics: createMetrics(), infra: t, log: silentLogger });
      const found = probes("crumb-worker");
      expect(found.map((p) => p.path).sort()).toEqual(["/healthz", "/readyz"]);
      const port = container("crumb-worker").ports.find((p: Doc) => p.name === "metrics");
      const env = container("crumb-worker").env.find((e: Doc) => e.name === "METRICS_PORT");
      expect(String(port.containerPort)).toBe(env.value);
      for (const { path } of found) expect((await worker.request(path)).status, path).toBe(200);
      expect((await worker.request("/metrics")).status).toBe(200);
    });
  });
});
