import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/infra/db.ts";
import { silentLogger } from "../src/infra/log.ts";
import { loadMigrations, migrate } from "../src/infra/migrations.ts";
import { seedDemoCatalog } from "../src/catalog/seed.ts";
import { createTestContext, eventually, type TestContext, uniqueId } from "./harness.ts";
import { boardConfig, Browser, PASSWORD, signedIn } from "./board-support.ts";

/**
 * Two app processes behind one load balancer, sharing PostgreSQL and Redis: an order placed
 * on instance A reaches an order board held open on instance B, through the store's
 * pub/sub. Only real servers can be shared (the embedded database cannot), so this runs
 * only when DATABASE_URL and REDIS_URL name them.
 */

const root = new URL("../", import.meta.url).pathname;
const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;

/** A port nobody listens on right now. */
function freePort() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Processes a test started; any still running when it ends (a timeout too) are killed. */
const started: Deno.ChildProcess[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
  }
});

/** `deno run -A src/main.ts` with its output collected. */
function startApp(env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "src/main.ts"],
    cwd: root,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  started.push(child);
  const app = { child, output: "", exited: false, status: child.status };
  const decoder = new TextDecoder();
  const collect = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(
      new WritableStream({ write: (chunk) => void (app.output += decoder.decode(chunk)) }),
    );
  const streams = Promise.all([collect(child.stdout), collect(child.stderr)]);
  app.status = child.status.then(async (status) => {
    app.exited = true;
    await streams;
    return status;
  });
  return app;
}

describe("two app instances in one process, sharing the database and the store", () => {
  let a: TestContext;
  let b: TestContext;
  beforeAll(async () => {
    a = await createTestContext({ seed: true, config: boardConfig });
    b = await createTestContext({ db: a.db, store: a.store, config: boardConfig });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it("a board on B sees an order placed and bumped on A, and catches up on B after a drop", async () => {
    const { browser, who: staff } = await signedIn(b, "staff");
    const board = await browser.stream("/board/events");
    await board.client.event();
    const customer = await a.services.accounts.manage.register(
      { email: `two-${uniqueId()}@example.com`, password: PASSWORD, name: "Eve Early" },
      { ip: "192.0.2.1", userAgent: "two-instances" },
      "customer",
      { emailVerified: true },
    );
    const [product] = await a.sql<{ id: number }[]>`
      select id from products where active and stock > 0 order by id limit 1`;
    const { order } = await a.services.orders.place({
      userId: customer.id,
      items: [{ productId: product.id, quantity: 1 }],
    });
    const arrival = await board.client.until((f) => f.data?.includes(order.code) ?? false);
    expect(arrival.data).toContain(`<!--arrival:${order.code}-->`);
    board.abort();
    await board.client.cancel();
    await eventually(() => b.live.size() === 0);

    await a.services.orders.changeStatus(order.id, "baking", staff);
    const again = await browser.stream("/board/events", { "Last-Event-ID": arrival.id! });
    const caughtUp = await again.client.until((f) => f.data !== undefined && f.id !== undefined);
    expect(Number(caughtUp.id)).toBeGreaterThan(Number(arrival.id));
    expect(caughtUp.data).toMatch(new RegExp(`data-code="${order.code}" data-status="baking"`));
    again.abort();
    await again.client.cancel();
  });
});

if (databaseUrl && redisUrl) {
  it("an order placed on instance A appears on a board streaming from instance B", async () => {
    // A database of its own, migrated and stocked before either process starts.
    const name = `crumb_two_${uniqueId()}`;
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ url: url.toString(), poolMax: 2, log: silentLogger });
    await migrate(db.sql, await loadMigrations());
    await seedDemoCatalog(db.sql);

    const secret = `two-instances-${crypto.randomUUID()}`;
    const base: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      CRUMB_ENV: "development",
      HOST: "127.0.0.1",
      DATABASE_URL: url.toString(),
      DATABASE_POOL_MAX: "4",
      REDIS_URL: redisUrl,
      // The queue stays embedded in each process: on RabbitMQ these processes would publish
      // to the production queue names, where another test's worker may be consuming.
      SEED_DEMO_DATA: "false",
      SESSION_SECRET: secret,
      JWT_KEYS: `two:${secret}`,
      API_RATE_LIMIT_PER_MINUTE: "100000",
      OPENING_HOURS: "mon-sun 00:00-23:45",
      SSE_HEARTBEAT_SECONDS: "1",
      LOG_LEVEL: "info",
    };
    if (process.env.DENO_DIR) base.DENO_DIR = process.env.DENO_DIR;
    const ports = [freePort(), freePort()];
    const [a, b] = ports.map((port) => startApp({ ...base, PORT: String(port) }));
    const origin = (i: number) => `http://127.0.0.1:${ports[i]}`;
    let board: Awaited<ReturnType<Browser["stream"]>> | undefined;
    try {
      for (const app of [a, b]) {
        await eventually(() => app.output.includes('"listening"') || app.exited, {
          timeoutMs: 30_000,
          intervalMs: 50,
        });
        expect(app.exited, app.output).toBe(false);
      }

      // A staff member, registered on A and promoted, signs in on B's page.
      const email = `board-${uniqueId()}@example.com`;
      const registered = await fetch(`${origin(0)}/api/v1/auth/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, password: PASSWORD, name: "Bea Baker" }),
      });
      expect(registered.status, await registered.clone().text()).toBe(201);
      await registered.body?.cancel();
      await db.sql`update users set role = 'staff' where email = ${email}`;
      const kiosk = new Browser((request) => fetch(request), origin(1));
      const signin = await kiosk.post("/signin", { email, password: PASSWORD, kiosk: "1" });
      await signin.body?.cancel();
      expect(signin.status).toBe(303);
      board = await kiosk.stream("/board/events");
      expect(await board.client.next(5000)).toEqual({ retry: "2000", comments: [] });
      const first = (await board.client.event(5000))!;
      expect(first.data).toContain('id="board-state"');

      // A customer orders through A's API (with the address confirmed, as from the mail).
      const eveEmail = `eve-${uniqueId()}@example.com`;
      const customer = await fetch(`${origin(0)}/api/v1/auth/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          email: eveEmail,
          password: PASSWORD,
          name: "Eve Early",
        }),
      });
      expect(customer.status).toBe(201);
      const { accessToken } = await customer.json() as { accessToken: string };
      await db.sql`update users set email_verified_at = now() where email = ${eveEmail}`;
      const [product] = await db.sql<{ id: number }[]>`
        select id from products where active and stock > 0 order by id limit 1`;
      const placed = await fetch(`${origin(0)}/api/v1/orders`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ items: [{ productId: product.id, quantity: 2 }] }),
      });
      const order = await placed.json() as { id: number; code: string };
      expect(placed.status, JSON.stringify(order)).toBe(201);

      // B's board hears of it within a few seconds, under the order's history id.
      const arrival = await board.client.until(
        (f) => f.data?.includes(`<!--arrival:${order.code}-->`) ?? false,
        5000,
      );
      const [history] = await db.sql<{ id: number }[]>`
        select id::int from order_status_history where order_id = ${order.id}`;
      expect(arrival.id).toBe(String(history.id));
      expect(arrival.data).toContain(`data-code="${order.code}"`);
      expect(arrival.data).toContain("Eve E.");

      // Both stop on SIGTERM, B although a board is still streaming from it.
      for (const app of [a, b]) app.child.kill("SIGTERM");
      const statuses = await Promise.all([a.status, b.status]);
      expect(statuses.map(({ code, signal }) => ({ code, signal })), a.output + b.output).toEqual([
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
      expect(await board.client.until(() => false, 5000).catch((e) => e.message)).toBe(
        "stream ended before the expected frame",
      );
    } finally {
      await board?.client.cancel();
      for (const app of [a, b]) if (!app.exited) app.child.kill("SIGKILL");
      await Promise.all([a.status, b.status]);
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 60_000);
}
