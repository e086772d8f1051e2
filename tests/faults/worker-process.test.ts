import postgres from "postgres";
import { expect, it } from "vitest";
import { openDatabase } from "../../src/infra/db.ts";
import { silentLogger } from "../../src/infra/log.ts";
import { loadMigrations, migrate } from "../../src/infra/migrations.ts";
import { openQueue } from "../../src/infra/open-queue.ts";
import { insertUser } from "../../src/accounts/queries.ts";
import { createTestContext, eventually, uniqueId } from "../harness.ts";

/**
 * worker/main.ts as its own process on real servers, as deployed beside an app that runs
 * no consumers (WORKER_IN_PROCESS=false): it takes the app's order events, writes the
 * notification, and stops cleanly on SIGTERM.
 */

const root = new URL("../../", import.meta.url).pathname;
const amqpUrl = process.env.AMQP_URL;
const databaseUrl = process.env.DATABASE_URL;

if (amqpUrl && databaseUrl) {
  it("runs the order jobs of an app without consumers, and exits 0 on SIGTERM", async () => {
    const name = `crumb_worker_${uniqueId()}`;
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const db = await openDatabase({ url: url.toString(), poolMax: 4, log: silentLogger });
    await migrate(db.sql, await loadMigrations());
    // worker/main.ts consumes the production queue names: the app side must publish there.
    const queue = await openQueue({ url: amqpUrl, prefix: "crumb.", log: silentLogger });
    const t = await createTestContext({
      db,
      queue,
      seed: true,
      config: { AMQP_URL: amqpUrl, WORKER_IN_PROCESS: "false" },
    });

    const env = { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: "info" } as Record<
      string,
      string
    >;
    delete env.SMTP_URL;
    delete env.WORKER_IN_PROCESS;
    const worker = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "worker/main.ts"],
      cwd: root,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let output = "";
    const decoder = new TextDecoder();
    const collect = (stream: ReadableStream<Uint8Array>) =>
      stream.pipeTo(
        new WritableStream({ write: (chunk) => void (output += decoder.decode(chunk)) }),
      );
    const streams = Promise.all([collect(worker.stdout), collect(worker.stderr)]);
    let exited = false;
    const status = worker.status.finally(() => (exited = true));
    try {
      expect(t.deps.config.workerInProcess).toBe(false);
      await eventually(() => output.includes('"worker started"') || exited, {
        timeoutMs: 15_000,
        intervalMs: 25,
      });
      expect(exited, output).toBe(false);

      const email = `worker-${uniqueId()}@example.test`;
      const user = await insertUser(t.sql, { email, name: "Wes Worker", passwordHash: "x" });
      const [product] = await t.sql<{ id: number }[]>`
        select id from products where active and stock > 0 order by id limit 1`;
      const { order } = await t.services.orders.place({
        userId: user!.id,
        items: [{ productId: product.id, quantity: 1 }],
      });
      const notes = await eventually(async () => {
        const rows = await t.sql<{ kind: string; recipient: string; subject: string }[]>`
          select kind, recipient, subject from notifications where order_id = ${order.id}`;
        return rows.length ? rows : null;
      }, { timeoutMs: 10_000, intervalMs: 25 });
      expect(notes).toEqual([{
        kind: "order_confirmation",
        recipient: email,
        subject: `Your order ${order.code} is confirmed`,
      }]);

      worker.kill("SIGTERM");
      const { code, signal } = await status;
      await streams;
      expect({ code, signal }, output).toEqual({ code: 0, signal: null });
      expect(output).toContain('"worker stopping"');
    } finally {
      if (!exited) worker.kill("SIGKILL");
      await status;
      await t.close();
      await queue.close();
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 20_000);
}

it("refuses to start without RabbitMQ or a database server: the app runs the jobs then", async () => {
  // Only a worker that starts anyway writes here (its embedded database).
  const dataDir = await Deno.makeTempDir({ prefix: "crumb-worker-" });
  const refusal = async (unset: string[], set: Record<string, string> = {}) => {
    const env = { ...process.env, ...set, DATA_DIR: dataDir } as Record<string, string>;
    for (const name of unset) delete env[name];
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "worker/main.ts"],
      cwd: root,
      env,
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).output();
    return { code, stderr: new TextDecoder().decode(stderr) };
  };
  const needs = "The worker needs AMQP_URL and DATABASE_URL";
  try {
    expect(await refusal(["AMQP_URL"])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(needs),
    });
    // A worker on an embedded database of its own would take the app's messages.
    expect(await refusal(["DATABASE_URL"], { AMQP_URL: "amqp://127.0.0.1:1" })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(needs),
    });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
