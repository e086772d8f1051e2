/**
 * SSE fan-out: N idle `GET /events/stock` streams held on ONE app instance, then stock
 * changes (orders placed through the API), each timed from the order request until every
 * stream has the frame. Reports p50/p99/max delivery over every stream of every broadcast,
 * how many streams were held, and the app's RSS before and after opening them
 * (/proc/<pid>/status VmRSS, each after a full GC).
 *
 * The app gets its own process and data directory (same parts as `deno task bench`), and
 * the clients are raw TCP sockets spread over two processes (tests/bench/sse-clients.ts).
 * Everything it starts is killed when it ends, also on failure, Ctrl-C or `timeoutMs`.
 *
 * Run alone: `deno run -A tests/bench/fanout.ts` (BENCH_SSE_CLIENTS, default 10000;
 * BENCH_SSE_ROUNDS broadcasts, default 3; BENCH_APP_FLAGS adds `deno run` flags to the app,
 * e.g. "--cpu-prof --cpu-prof-dir=/tmp/p").
 */

export interface FanoutResult {
  clients: number;
  held: number;
  failed: number;
  broadcasts: number;
  /** Deliveries seen, of held × broadcasts. */
  received: number;
  /**
   * Delivery from the order request to each stream, over every stream of every broadcast;
   * a stream that missed one counts as ∞. firstMs: the earliest stream (median broadcast).
   */
  firstMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The `POST /api/v1/orders` round trip that triggered the event (median broadcast). */
  triggerMs: number;
  /** The same order with no stream open (the second warm-up order). */
  idleOrderMs: number;
  /** Time to open and hold every stream. */
  openSeconds: number;
  rssBeforeMb: number;
  /**
   * With the streams still open after the broadcast, after a forced full GC in the app (see
   * collectGarbage), unless gcBeforeRss is false.
   */
  rssAfterMb: number;
  /** Right after the streams were held, before the broadcast and any forced GC. */
  rssAfterNoGcMb: number;
  gcBeforeRss: boolean;
  kbPerStream: number;
  /** The same for the second half of the streams alone (RSS read in between, after a GC). */
  kbPerLaterStream: number;
  /** Each broadcast on its own. */
  rounds: RoundResult[];
}

export interface RoundResult {
  received: number;
  firstMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  triggerMs: number;
}

export interface FanoutOptions {
  clients: number;
  /** Broadcasts to time, one after another (default 3). */
  rounds?: number;
  /** Connections each client process opens at a time. */
  batch?: number;
  /** Extra app environment: DATABASE_URL, REDIS_URL, AMQP_URL. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Extra `deno run` flags for the app (e.g. --cpu-prof, --v8-flags=…). */
  appFlags?: string[];
  log?: (line: string) => void;
}

const root = new URL("../../", import.meta.url).pathname;
const clientScript = new URL("./sse-clients.ts", import.meta.url).pathname;
const WORKERS = 2;
const FD_LIMIT = 65536;

const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Runs `deno …` under a raised open-file limit (10,000 sockets need more than 1,024). */
function spawnDeno(
  args: string[],
  env: Record<string, string>,
  signal: AbortSignal,
  stdio: { stdin: "piped" | "null"; stdout: "piped" | "null"; stderr?: "piped" | "inherit" },
) {
  const quoted = [Deno.execPath(), ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`);
  return new Deno.Command("sh", {
    args: [
      "-c",
      `ulimit -n ${FD_LIMIT} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec ${quoted.join(" ")}`,
    ],
    cwd: root,
    env,
    signal,
    stdin: stdio.stdin,
    stdout: stdio.stdout,
    stderr: stdio.stderr ?? "inherit",
  }).spawn();
}

/**
 * A full garbage collection in the app through its inspector (`--inspect`), so RSS is
 * compared between two settled heaps: right after start the app still holds hundreds of MB
 * of garbage (embedded Postgres start-up buffers) that V8 frees whenever it next collects,
 * which made a plain before/after difference swing between 19 and 56 KB per stream.
 */
async function collectGarbage(inspectPort: number): Promise<boolean> {
  try {
    const list = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
    const ws = new WebSocket(list[0].webSocketDebuggerUrl);
    try {
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = reject;
      });
      await new Promise<void>((resolve) => {
        ws.onmessage = (e) => {
          if (JSON.parse(e.data).id === 1) resolve();
        };
        ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" }));
      });
      return true;
    } finally {
      ws.close();
    }
  } catch {
    return false;
  }
}

async function rssMb(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return kb / 1024;
}

async function waitReady(url: string, signal: AbortSignal, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal.aborted) {
    try {
      const res = await fetch(url, { signal });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not up yet */ }
    await sleep(200);
  }
  throw new Error(`${url} did not become ready in ${timeoutMs} ms`);
}

async function api<T>(url: string, init: RequestInit & { json?: unknown }): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  const res = await fetch(url, {
    ...init,
    headers,
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

type WorkerMessage =
  | { type: "progress" | "ready"; held: number; failed: number }
  | RoundMessage;
type RoundMessage = {
  type: "round";
  round: number;
  held: number;
  failed: number;
  dropped: number;
  times: number[];
};
const keyOf = (m: WorkerMessage) => (m.type === "round" ? `round:${m.round}` : m.type);

/** A client process and the lines it reports. */
function startClients(
  port: number,
  count: number,
  batch: number,
  signal: AbortSignal,
) {
  const child = spawnDeno(
    ["run", "-A", clientScript],
    {
      SSE_PORT: String(port),
      SSE_COUNT: String(count),
      SSE_BATCH: String(batch),
    },
    signal,
    { stdin: "piped", stdout: "piped" },
  );
  const waiting: { key: string; resolve: (m: WorkerMessage) => void }[] = [];
  const seen = new Map<string, WorkerMessage>();
  let progress = { held: 0, failed: 0 };
  const reading = (async () => {
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf("\n")) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (!line.startsWith("{")) continue;
        const message = JSON.parse(line) as WorkerMessage;
        progress = { held: message.held, failed: message.failed };
        seen.set(keyOf(message), message);
        for (const w of waiting.filter((w) => w.key === keyOf(message))) w.resolve(message);
      }
    }
  })().catch(() => {});
  const stdin = child.stdin.getWriter();
  return {
    child,
    get progress() {
      return progress;
    },
    /** The message `ready` or `round:<k>`; rejects if the process ends without it. */
    next(key: string): Promise<WorkerMessage> {
      const got = seen.get(key);
      if (got) return Promise.resolve(got);
      return new Promise((resolve, reject) => {
        waiting.push({ key, resolve });
        reading.then(() => {
          const late = seen.get(key);
          if (late) resolve(late);
          else reject(new Error(`an SSE client process ended before "${key}"`));
        });
      });
    },
    /** Asks for the round's report now (streams that have not seen it count as missing). */
    async requestReport() {
      try {
        await stdin.write(new TextEncoder().encode("report\n"));
      } catch { /* already gone */ }
    },
    async stop() {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status.catch(() => {});
      await stdin.close().catch(() => {});
      await reading;
    },
  };
}

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function fanoutBench(options: FanoutOptions): Promise<FanoutResult> {
  const { clients, rounds = 3, batch = 250, timeoutMs = 110_000, log = console.log } = options;
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error(`fan-out scenario over ${timeoutMs} ms`)),
    timeoutMs,
  );
  const dataDir = await Deno.makeTempDir({ prefix: "crumb-fanout-" });
  const port = freePort();
  const inspectPort = freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const app = spawnDeno(
    [
      "run",
      "-A",
      `--inspect=127.0.0.1:${inspectPort}`,
      ...(options.appFlags ?? []),
      "src/main.ts",
    ],
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      CRUMB_ENV: "development",
      API_RATE_LIMIT_PER_MINUTE: "1000000",
      // Every stream comes from this one address: the per-address cap would refuse most.
      SSE_ANONYMOUS_PER_ADDRESS: "100000",
      OPENING_HOURS: "mon-sun 00:00-23:45",
      PREP_MINUTES: "0",
      ...options.env,
    },
    abort.signal,
    { stdin: "null", stdout: "null", stderr: "piped" },
  );
  // The app's errors still show; the inspector's greetings do not.
  const appStderr = (async () => {
    let buffer = "";
    for await (const chunk of app.stderr.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        if (!/^(Debugger (listening|session)|Visit chrome:\/\/inspect)/.test(line.trim())) {
          console.error(line);
        }
      }
    }
    if (buffer) console.error(buffer);
  })().catch(() => {});
  const workers: ReturnType<typeof startClients>[] = [];
  // Ctrl-C or a kill ends the scenario through the same clean-up (the children are killed).
  const interrupt = () => abort.abort(new Error("fan-out scenario interrupted"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, interrupt);
  // An app that exits early fails the scenario now, not after the readiness timeout.
  app.status.then((status) => {
    if (!abort.signal.aborted) abort.abort(new Error(`the app exited (code ${status.code})`));
  });
  try {
    await Promise.race([
      waitReady(`${appUrl}/readyz`, abort.signal),
      new Promise<never>((_, reject) => {
        abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true });
      }),
    ]);

    // A customer and a product in stock for the trigger order.
    const { accessToken } = await api<{ accessToken: string }>(`${appUrl}/api/v1/auth/register`, {
      method: "POST",
      json: {
        email: `fanout-${crypto.randomUUID()}@example.com`,
        password: `bench-${crypto.randomUUID()}`,
        name: "Fan-out Bench",
      },
    });
    const { items } = await api<{ items: { id: number; stock: number }[] }>(
      `${appUrl}/api/v1/products`,
      {},
    );
    const product = items.reduce((a, b) => (b.stock > a.stock ? b : a));
    if (!product || product.stock < rounds + 2) throw new Error("no product in stock to order");
    const order = () =>
      fetch(`${appUrl}/api/v1/orders`, {
        method: "POST",
        headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ items: [{ productId: product.id, quantity: 1 }], pickupAt: "asap" }),
      });

    // Warm the order path and the stream path, then the baseline RSS.
    let idleOrderMs = NaN;
    for (let i = 0; i < 2; i++) {
      const at = clock();
      const warm = await order();
      if (warm.status !== 201) {
        throw new Error(`warm-up order: ${warm.status} ${await warm.text()}`);
      }
      await warm.body?.cancel();
      idleOrderMs = clock() - at;
    }
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${appUrl}/events/stock`);
      await res.body?.cancel();
    }
    await sleep(500);
    const settled = await collectGarbage(inspectPort);
    if (!settled) log("  fan-out: could not collect garbage in the app; RSS figures are noisy");
    await sleep(500);
    const rssBefore = await rssMb(app.pid);

    // Open the streams: two client processes, one after the other, `batch` connections at a
    // time. RSS in between (after a GC) gives the cost of the second half alone: the first
    // streams partly reuse memory the allocator kept from start-up, which flatters the
    // overall figure.
    const opened = performance.now();
    const progress = setInterval(() => {
      const held = workers.reduce((s, w) => s + w.progress.held, 0);
      log(`  fan-out: ${held}/${clients} streams held…`);
    }, 5000);
    const ready: WorkerMessage[] = [];
    let rssMid = NaN;
    try {
      for (let w = 0; w < WORKERS; w++) {
        const n = Math.floor(clients / WORKERS) + (w < clients % WORKERS ? 1 : 0);
        if (n === 0) continue;
        if (w > 0) {
          if (settled) await collectGarbage(inspectPort);
          await sleep(300);
          rssMid = await rssMb(app.pid);
        }
        const worker = startClients(port, n, batch, abort.signal);
        workers.push(worker);
        ready.push(await withTimeout(worker.next("ready"), 60_000, "opening the streams"));
      }
    } finally {
      clearInterval(progress);
    }
    const openSeconds = (performance.now() - opened) / 1000;
    const held = ready.reduce((s, m) => s + m.held, 0);
    const failed = ready.reduce((s, m) => s + m.failed, 0);
    const heldLater = ready.length > 1 ? ready[ready.length - 1].held : 0;
    // Read now; the full GC waits until after the broadcast, which it must not disturb.
    const rssAfterNoGc = await rssMb(app.pid);

    // The broadcasts: each an order that changes the product's stock, the streams idle again
    // in between. One broadcast is one noisy sample; the figures pool every delivery.
    const results: RoundResult[] = [];
    const pooled: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r > 0) await sleep(1000);
      const started = clock();
      const res = await order();
      const triggerMs = clock() - started;
      if (res.status !== 201) throw new Error(`trigger order: ${res.status} ${await res.text()}`);
      await res.body?.cancel();
      const reports = await withTimeout(
        Promise.all(workers.map(async (w) => {
          const early = setTimeout(() => w.requestReport(), 15_000);
          try {
            return await w.next(`round:${r}`) as RoundMessage;
          } finally {
            clearTimeout(early);
          }
        })),
        25_000,
        "collecting delivery times",
      );
      const latencies = reports.flatMap((m) => m.times.map((t) => t - started));
      const received = latencies.length;
      latencies.sort((a, b) => a - b);
      // A stream that never got the event counts as infinitely late.
      const all = [...latencies, ...Array<number>(Math.max(0, held - received)).fill(Infinity)];
      pooled.push(...all);
      results.push({
        received,
        firstMs: round(latencies[0] ?? Infinity),
        p50Ms: round(percentile(all, 0.5)),
        p99Ms: round(percentile(all, 0.99)),
        maxMs: round(percentile(all, 1)),
        triggerMs: round(triggerMs),
      });
    }

    // The streams are still open: the app's memory with them, after a full GC.
    await sleep(1000);
    if (settled) await collectGarbage(inspectPort);
    await sleep(500);
    const rssAfter = await rssMb(app.pid);

    pooled.sort((a, b) => a - b);
    const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);
    return {
      clients,
      held,
      failed,
      broadcasts: rounds,
      received: results.reduce((n, r) => n + r.received, 0),
      firstMs: round(median(results.map((r) => r.firstMs))),
      p50Ms: round(percentile(pooled, 0.5)),
      p99Ms: round(percentile(pooled, 0.99)),
      maxMs: round(percentile(pooled, 1)),
      triggerMs: round(median(results.map((r) => r.triggerMs))),
      idleOrderMs: round(idleOrderMs),
      rounds: results,
      openSeconds: round(openSeconds),
      rssBeforeMb: round(rssBefore),
      rssAfterMb: round(rssAfter),
      rssAfterNoGcMb: round(rssAfterNoGc),
      gcBeforeRss: settled,
      kbPerStream: held ? round(((rssAfter - rssBefore) * 1024) / held) : NaN,
      kbPerLaterStream: heldLater ? round(((rssAfter - rssMid) * 1024) / heldLater) : NaN,
    };
  } catch (error) {
    // Killed children make later steps fail; the reason they were killed is the story.
    throw abort.signal.aborted ? abort.signal.reason : error;
  } finally {
    clearTimeout(timer);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      Deno.removeSignalListener(signal, interrupt);
    }
    await Promise.all(workers.map((w) => w.stop()));
    try {
      app.kill("SIGTERM");
    } catch { /* gone */ }
    const killer = setTimeout(() => {
      try {
        app.kill("SIGKILL");
      } catch { /* gone */ }
    }, 5000);
    await app.status.catch(() => {});
    clearTimeout(killer);
    await appStderr;
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

/** The table rows `deno task bench` prints for a result. */
export function fanoutTable(r: FanoutResult): string[] {
  const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "∞");
  const expected = r.held * r.broadcasts;
  return [
    `streams held      ${r.held} of ${r.clients}` + (r.failed ? ` (${r.failed} failed)` : "") +
    `, opened in ${r.openSeconds.toFixed(1)} s` + (r.held >= 10_000 ? "" : "  (target 10,000)"),
    `delivery          p50 ${ms(r.p50Ms)} ms, p99 ${ms(r.p99Ms)} ms, max ${ms(r.maxMs)} ms ` +
    `over ${r.broadcasts} broadcasts (target p99 ≤ 250 ms)` +
    (r.received < expected ? `, ${expected - r.received} deliveries missing!` : ""),
    `  per broadcast   p99 ${r.rounds.map((x) => ms(x.p99Ms)).join(" / ")} ms; first stream ` +
    `${ms(r.firstMs)} ms; trigger order ${ms(r.triggerMs)} ms (${ms(r.idleOrderMs)} idle)`,
    `app RSS           ${r.rssBeforeMb.toFixed(1)} → ${r.rssAfterMb.toFixed(1)} MB` +
    (r.gcBeforeRss ? " (each after a full GC)" : " (no GC: noisy)") +
    `, ${r.kbPerStream.toFixed(1)} KB per stream (target ≤ 50 KB); ` +
    `${r.kbPerLaterStream.toFixed(1)} KB each for the second half`,
  ];
}

if (import.meta.main) {
  const clients = Number(Deno.env.get("BENCH_SSE_CLIENTS") ?? 10_000);
  const rounds = Number(Deno.env.get("BENCH_SSE_ROUNDS") ?? 3);
  const env: Record<string, string> = {};
  for (const name of ["DATABASE_URL", "REDIS_URL", "AMQP_URL"]) {
    const value = Deno.env.get(name);
    if (value) env[name] = value;
  }
  const appFlags = Deno.env.get("BENCH_APP_FLAGS")?.split(" ").filter(Boolean);
  const result = await fanoutBench({ clients, rounds, env, appFlags });
  for (const line of fanoutTable(result)) console.log(line);
  console.log(JSON.stringify(result));
}
