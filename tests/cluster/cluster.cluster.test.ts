import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, uniqueId } from "../harness.ts";
import { watchBoard } from "./board-watcher.ts";
import { freePort, ready, type Running, start, stop, tail } from "./processes.ts";

/**
 * Two app instances and the worker behind Caddy (the shipped Caddyfile), on real PostgreSQL,
 * Redis and RabbitMQ. Orders are placed through the proxy while each instance in turn is
 * stopped and started again; no order and no board update may be lost, and every board
 * stream must come back.
 */
const root = fileURLToPath(new URL("../../", import.meta.url));
const { DATABASE_URL, REDIS_URL, AMQP_URL } = process.env;
if (!DATABASE_URL || !REDIS_URL || !AMQP_URL) {
  throw new Error("The cluster test needs DATABASE_URL, REDIS_URL and AMQP_URL");
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("two instances and the worker behind Caddy", () => {
  const id = uniqueId();
  const database = `crumb_cluster_${id}`;
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  const metricsToken = `metrics-${crypto.randomUUID()}`;
  const demoPassword = `cluster-${crypto.randomUUID()}`;
  let logs: string;
  let sql: postgres.Sql;
  let ports: { a: number; b: number; worker: number; proxy: number };
  let env: Record<string, string>;
  const running: Record<string, Running> = {};
  let proxy: string;

  const startApp = (name: "a" | "b") => {
    running[name] = start(name, "deno", ["run", "-A", "src/main.ts"], {
      ...env,
      PORT: String(ports[name]),
    }, logs);
    return ready(`http://127.0.0.1:${ports[name]}/readyz`, running[name]);
  };

  beforeAll(async () => {
    logs = await mkdtemp(join(tmpdir(), "crumb-cluster-"));
    await admin.unsafe(`create database ${database}`);
    const url = new URL(DATABASE_URL);
    url.pathname = `/${database}`;
    sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
    ports = { a: await freePort(), b: await freePort(), worker: await freePort(), proxy: 0 };
    ports.proxy = await freePort();
    proxy = `http://127.0.0.1:${ports.proxy}`;
    env = {
      DATABASE_URL: url.toString(),
      REDIS_URL,
      AMQP_URL,
      KEY_PREFIX: `cluster-${id}`,
      CRUMB_ENV: "development",
      HOST: "127.0.0.1",
      DEMO_PASSWORD: demoPassword,
      API_RATE_LIMIT_PER_MINUTE: "1000000",
      TRUSTED_PROXIES: "127.0.0.1",
      OPENING_HOURS: "mon-sun 00:00-23:59",
      SSE_HEARTBEAT_SECONDS: "2",
      METRICS_TOKEN: metricsToken,
      LOG_LEVEL: "warn",
      BACKUP_TIME: "off",
    };
    // The first instance migrates and seeds; then the second and the worker.
    await startApp("a");
    running.worker = start("worker", "deno", ["run", "-A", "worker/main.ts"], {
      ...env,
      METRICS_PORT: String(ports.worker),
    }, logs);
    await Promise.all([
      startApp("b"),
      ready(`http://127.0.0.1:${ports.worker}/readyz`, running.worker),
    ]);
    running.proxy = start("caddy", "caddy", [
      "run",
      "--config",
      join(root, "deploy/caddy/Caddyfile"),
      "--adapter",
      "caddyfile",
    ], {
      CRUMB_LISTEN: `:${ports.proxy}`,
      CRUMB_BIND: "127.0.0.1",
      CRUMB_UPSTREAMS: `127.0.0.1:${ports.a} 127.0.0.1:${ports.b}`,
    }, logs);
    await ready(`${proxy}/readyz`, running.proxy);
  });

  afterAll(async () => {
    await Promise.all(Object.values(running).map((r) => stop(r)));
    await sql?.end();
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end();
    if (process.env.CLUSTER_KEEP_LOGS) console.info(`cluster logs kept in ${logs}`);
    else await rm(logs, { recursive: true, force: true });
  });

  const api = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
    if (init.body) headers.set("Content-Type", "application/json");
    return await fetch(`${proxy}/api/v1${path}`, { ...init, headers });
  };

  it("loses no order and no board update while each instance is stopped and started again", async () => {
    const login = await api("/auth/login", {
      method: "POST",
      body: JSON.stringify({ email: "staff@demo.crumb", password: demoPassword }),
    });
    expect(login.status).toBe(200);
    const tokens = await login.json();
    // The board is a page: it signs in with the session cookies.
    const staff = `crumb_access=${tokens.accessToken}; crumb_refresh=${tokens.refreshToken}`;
    const customers: string[] = [];
    for (let n = 0; n < 4; n++) {
      const res = await api("/auth/register", {
        method: "POST",
        body: JSON.stringify({
          email: `cluster-${n}-${id}@example.com`,
          password: `a long cluster password ${n}`,
          name: `Cluster Customer${n}`,
        }),
      });
      expect(res.status).toBe(201);
      customers.push((await res.json()).accessToken);
    }
    // Their addresses confirmed, as from the mail: accounts order only then.
    await sql`update users set email_verified_at = now() where email like ${`cluster-%-${id}@example.com`}`;
    await sql`update products set stock = 10000 where active and kind = 'shelf'`;
    const products = (
      await sql<
        { id: number }[]
      >`select id from products where active and kind = 'shelf' order by id`
    )
      .map((p) => p.id);

    const boards = Array.from({ length: 6 }, () => watchBoard(`${proxy}/board/events`, staff));
    await eventually(() => boards.every((b) => b.connections === 1 && b.board !== ""), {
      timeoutMs: 15_000,
    });

    // Customers order without pause, each retrying with the same key until answered.
    const placed = new Map<number, string>();
    let retries = 0;
    const refusals = new Map<string, number>();
    let ordering = true;
    let serial = 0;
    const shopper = async (token: string) => {
      while (ordering) {
        const n = serial++;
        const key = `cluster-${id}-${n}`;
        for (let attempt = 0;; attempt++) {
          const res = await api("/orders", {
            method: "POST",
            token,
            headers: { "Idempotency-Key": key },
            body: JSON.stringify({
              items: [{ productId: products[n % products.length], quantity: 1 }],
            }),
          }).catch(() => undefined);
          if (res?.status === 201) {
            const order = await res.json();
            placed.set(order.id, order.code);
            break;
          }
          const answer = res ? await res.text() : "";
          expect(res === undefined || res.status >= 500, `order answered ${res?.status} ${answer}`)
            .toBe(true);
          expect(attempt).toBeLessThan(100);
          retries++;
          const why = res ? String(res.status) : "no answer";
          refusals.set(why, (refusals.get(why) ?? 0) + 1);
          await pause(100);
        }
      }
    };
    const shoppers = customers.map(shopper);

    const timeline: string[] = [];
    const mark = (what: string) => timeline.push(`${placed.size} orders: ${what}`);
    await pause(3000);
    for (const name of ["a", "b"] as const) {
      mark(`stopping ${name}`);
      const code = await stop(running[name]);
      expect({ code, log: code === 0 ? "" : await tail(running[name]) }).toEqual({
        code: 0,
        log: "",
      });
      await pause(3000);
      mark(`starting ${name}`);
      await startApp(name);
      // Back in Caddy's rotation after its next health check.
      await pause(3000);
    }
    ordering = false;
    await Promise.all(shoppers);
    mark("done");

    // Every order answered is in the database once, and nothing else is. (A fresh demo shop
    // writes its past sales meanwhile: those are the demo customers'.)
    const ours = sql`select id from users where email like ${`cluster-%-${id}@example.com`}`;
    const stored = await sql<{ id: number; code: string }[]>`
      select id, code from orders where user_id in (${ours})`;
    expect(new Map(stored.map((o) => [o.id, o.code]))).toEqual(placed);

    // Every board, reconnected after each stop, ends showing every order.
    const codes = [...placed.values()];
    await eventually(
      () => boards.every((b) => codes.every((code) => b.board.includes(`data-code="${code}"`))),
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    // ...and, once the last renders went out (beside the answers, never before them), under
    // the newest event id.
    const [{ latest }] = await sql<{ latest: number }[]>`
      select max(h.id)::int as latest from order_status_history h
      where h.order_id in (select id from orders where user_id in (${ours}))`;
    await eventually(() => boards.every((b) => Math.max(...b.ids) >= latest), {
      timeoutMs: 10_000,
      intervalMs: 200,
    });
    for (const board of boards) expect(board.reconnectMs.length).toBeGreaterThanOrEqual(1);

    // The worker handled every order's event, and nothing waits in the outbox.
    await eventually(async () => {
      const [row] = await sql<{ pending: number; handled: number }[]>`
        select (select count(*)::int from outbox where published_at is null) as pending,
          (select count(*)::int from processed_messages where queue like '%orders')
            as handled`;
      return row.pending === 0 && row.handled >= placed.size;
    }, { timeoutMs: 30_000, intervalMs: 250 });

    const reconnects = boards.flatMap((b) => b.reconnectMs).sort((x, y) => x - y);
    console.info(
      [
        `cluster: ${placed.size} orders placed through Caddy in ${customers.length} parallel loops (${retries} retried: ${
          [...refusals].map(([why, n]) => `${n} × ${why}`).join(", ")
        })`,
        `  ${timeline.join("; ")}`,
        `  ${boards.length} board streams: ${
          boards.map((b) => b.ids.length).join("/")
        } events seen, ${reconnects.length} reconnections (${
          boards.map((b) => b.connections).join("/")
        } connections each), reconnect time median ${
          Math.round(reconnects[Math.floor(reconnects.length / 2)])
        } ms, max ${Math.round(reconnects[reconnects.length - 1])} ms`,
      ].join("\n"),
    );
    await Promise.all(boards.map((b) => b.stop()));
  });

  it("exports metrics promtool accepts, from an app instance and from the worker", async () => {
    const check = async (url: string, token?: string) => {
      const res = await fetch(url, {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });
      expect(res.status, url).toBe(200);
      const text = await res.text();
      const promtool = spawnSync("promtool", ["check", "metrics"], { input: text });
      expect(
        { status: promtool.status, output: `${promtool.stdout}${promtool.stderr}` },
        url,
      ).toMatchObject({ status: 0 });
      return text;
    };
    expect((await fetch(`http://127.0.0.1:${ports.a}/metrics`)).status).toBe(401);
    const apps = [
      await check(`http://127.0.0.1:${ports.a}/metrics`, metricsToken),
      await check(`http://127.0.0.1:${ports.b}/metrics`, metricsToken),
    ];
    expect(apps[1]).toMatch(/^crumb_orders_placed_total [1-9]/m);
    // Boards render on the instance holding them: the one the boards ended up on says how
    // long their updates took.
    expect(apps.join("\n")).toMatch(/^crumb_fanout_delivery_seconds_count\{topic="board"\} [1-9]/m);
    const worker = await check(`http://127.0.0.1:${ports.worker}/metrics`, metricsToken);
    expect(worker).toMatch(/^crumb_queue_consumed_total\{queue="orders"\} [1-9]/m);
    expect(worker).toMatch(/^crumb_db_pool_max \d+/m);
    for (const name of ["a", "b", "worker"]) {
      expect(await tail(running[name])).not.toMatch(/"level":"error"/);
    }
  });
});
