/**
 * `deno task bench`: starts Crumb (embedded parts, or the servers named by DATABASE_URL /
 * REDIS_URL / AMQP_URL) and a bare Hono baseline, loads each over loopback with wrk for a
 * bounded time, and prints requests/s, p50 and p99 with the ratio to the baseline.
 * Then the SSE fan-out (tests/bench/fanout.ts): BENCH_SSE_CLIENTS (default 10000; 0 skips it)
 * idle `/events/stock` streams on one app instance, and BENCH_SSE_ROUNDS (default 3) stock
 * changes, each timed until every stream has it.
 * Then the sales dashboard over BENCH_ANALYTICS_DAYS (default 365; 0 skips it) days of 300
 * orders on an embedded database of its own, against the admin home in the same run.
 * Results go to bench/results.json. BENCH_SECONDS (default 10) and BENCH_CONNECTIONS
 * (default 64) tune the load.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { checkoutBench } from "./checkout.ts";
import { fanoutBench, type FanoutResult, fanoutTable } from "./fanout.ts";
import { analyticsBench, analyticsTable } from "./analytics.ts";

const root = new URL("../../", import.meta.url).pathname;
const seconds = Number(Deno.env.get("BENCH_SECONDS") ?? 10);
const connections = Number(Deno.env.get("BENCH_CONNECTIONS") ?? 64);
const sseClients = Number(Deno.env.get("BENCH_SSE_CLIENTS") ?? 10_000);
const sseRounds = Number(Deno.env.get("BENCH_SSE_ROUNDS") ?? 3);
const analyticsDays = Number(Deno.env.get("BENCH_ANALYTICS_DAYS") ?? 365);

interface Result {
  name: string;
  path: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  ratioToBaseline?: number;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitFor(url: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready in ${timeoutMs} ms`);
}

function start(args: string[], env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    env,
    stdout: "null",
    stderr: "inherit",
  }).spawn();
}

function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!match) return NaN;
  const n = Number(match[1]);
  return match[2] === "us" ? n / 1000 : match[2] === "s" ? n * 1000 : n;
}

async function wrk(name: string, url: string): Promise<Result> {
  const { stdout, code } = await new Deno.Command("wrk", {
    args: ["-t2", `-c${connections}`, `-d${seconds}s`, "--latency", url],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) throw new Error(`wrk failed for ${name}:\n${text}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(text)?.[1] ?? "");
  const p99 = toMs(/\s99%\s+(\S+)/.exec(text)?.[1] ?? "");
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  return {
    name,
    path: new URL(url).pathname,
    requestsPerSecond: rps,
    p50Ms: p50,
    p99Ms: p99,
    non2xx,
  };
}

const which = await new Deno.Command("sh", { args: ["-c", "command -v wrk"], stdout: "null" })
  .output();
if (!which.success) {
  console.error("wrk is not installed: apt-get install -y wrk");
  Deno.exit(1);
}

const dataDir = await Deno.makeTempDir({ prefix: "crumb-bench-" });
const appPort = freePort();
const basePort = freePort();
const env: Record<string, string> = {
  PORT: String(appPort),
  HOST: "127.0.0.1",
  DATA_DIR: dataDir,
  CRUMB_ENV: "development",
  // The API's per-client budget would turn the load generator away after 100 requests.
  API_RATE_LIMIT_PER_MINUTE: "1000000",
};
for (const name of ["DATABASE_URL", "REDIS_URL", "AMQP_URL"]) {
  const value = Deno.env.get(name);
  if (value) env[name] = value;
}
const app = start(["run", "-A", "src/main.ts"], env);
const baseline = start(["run", "-A", "tests/bench/baseline.ts"], { PORT: String(basePort) });

try {
  const appUrl = `http://127.0.0.1:${appPort}`;
  await waitFor(`${appUrl}/readyz`);
  await waitFor(`http://127.0.0.1:${basePort}/`);
  const ready = await (await fetch(`${appUrl}/readyz`)).json();
  // Warm the catalog cache and the JIT before measuring.
  for (let i = 0; i < 200; i++) {
    for (const path of ["/", "/api/v1/products"]) await (await fetch(appUrl + path)).text();
  }

  console.log(
    `Load: wrk, ${connections} connections, ${seconds} s each, over loopback; parts: ${
      JSON.stringify(ready.checks)
    } (${env.DATABASE_URL ? "postgres" : "pglite"}/${env.REDIS_URL ? "redis" : "memory"})`,
  );
  const base = await wrk("baseline (bare Hono text route)", `http://127.0.0.1:${basePort}/`);
  const results = [
    base,
    await wrk("catalog HTML page (cache warm)", `${appUrl}/`),
    await wrk("GET /api/v1/products", `${appUrl}/api/v1/products`),
  ];
  for (const r of results.slice(1)) {
    r.ratioToBaseline = Math.round((r.requestsPerSecond / base.requestsPerSecond) * 1000) / 1000;
  }

  console.log("");
  console.log(
    "scenario".padEnd(36) + "req/s".padStart(10) + "p50 ms".padStart(10) + "p99 ms".padStart(10) +
      "vs baseline".padStart(14),
  );
  for (const r of results) {
    console.log(
      r.name.padEnd(36) + r.requestsPerSecond.toFixed(0).padStart(10) +
        r.p50Ms.toFixed(2).padStart(10) + r.p99Ms.toFixed(2).padStart(10) +
        (r.ratioToBaseline === undefined ? "" : `${(r.ratioToBaseline * 100).toFixed(1)}%`)
          .padStart(14) +
        (r.non2xx ? `  (${r.non2xx} non-2xx!)` : ""),
    );
  }
  console.log(`\nCheckout, ${connections} concurrent customers in-process, ${seconds} s each:`);
  const checkout = await checkoutBench({ seconds, concurrency: connections });
  console.log(
    `scenario (${checkout.db})`.padEnd(36) + "per s".padStart(10) + "p50 ms".padStart(10) +
      "p99 ms".padStart(10) + "vs baseline".padStart(14),
  );
  for (const r of checkout.results) {
    console.log(
      r.name.padEnd(36) + r.perSecond.toFixed(0).padStart(10) + r.p50Ms.toFixed(2).padStart(10) +
        r.p99Ms.toFixed(2).padStart(10) +
        (r.ratioToBaseline === undefined ? "" : `${(r.ratioToBaseline * 100).toFixed(1)}%`)
          .padStart(14),
    );
  }
  let fanout: FanoutResult | { error: string } | undefined;
  if (sseClients > 0) {
    // Its own app instance (same parts), so the RSS it reads is not the load tests' heap.
    console.log(
      `\nSSE fan-out: ${sseClients} idle /events/stock streams, ${sseRounds} stock changes:`,
    );
    const parts: Record<string, string> = {};
    for (const name of ["DATABASE_URL", "REDIS_URL", "AMQP_URL"]) {
      if (env[name]) parts[name] = env[name];
    }
    try {
      const result = await fanoutBench({ clients: sseClients, rounds: sseRounds, env: parts });
      for (const line of fanoutTable(result)) console.log(line);
      fanout = result;
    } catch (error) {
      // The other results are still worth writing down.
      console.error(`fan-out failed: ${(error as Error).message}`);
      fanout = { error: (error as Error).message };
    }
  }
  let analytics: Awaited<ReturnType<typeof analyticsBench>> | { error: string } | undefined;
  if (analyticsDays > 0) {
    console.log(`\nSales dashboard over ${analyticsDays} days × 300 orders (embedded):`);
    try {
      analytics = await analyticsBench({ days: analyticsDays });
      for (const line of analyticsTable(analytics)) console.log(line);
    } catch (error) {
      console.error(`sales dashboard bench failed: ${(error as Error).message}`);
      analytics = { error: (error as Error).message };
    }
  }
  await mkdir(`${root}bench`, { recursive: true });
  await writeFile(
    `${root}bench/results.json`,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        seconds,
        connections,
        backends: {
          db: env.DATABASE_URL ? "postgres" : "pglite",
          store: env.REDIS_URL ? "redis" : "memory",
        },
        results,
        checkout,
        fanout,
        analytics,
      },
      null,
      2,
    ) + "\n",
  );
  console.log(`\nWritten to bench/results.json`);
} finally {
  for (const child of [app, baseline]) {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    await child.status;
  }
  await Deno.remove(dataDir, { recursive: true }).catch(() => {});
}
