import { mkdtemp, readdir, readFile, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "./harness.ts";

/**
 * The README's start on a fresh machine: no settings at all, embedded parts, demo data and
 * printed sign-ins; secrets made at the first start and kept; the database on no TCP port;
 * and after a `kill -9`, the same shop starts again with its sessions intact.
 */

const root = new URL("../", import.meta.url).pathname;
let dataDir: string;
const started: Deno.ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "crumb-first-"));
});
afterEach(async () => {
  for (const child of started.splice(0)) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
  }
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function freePort() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function startApp(env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "src/main.ts"],
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      ...(process.env.DENO_DIR ? { DENO_DIR: process.env.DENO_DIR } : {}),
      NO_COLOR: "1",
      ...env,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  started.push(child);
  const app = { child, output: "", exited: false, status: child.status };
  const decoder = new TextDecoder();
  const collect = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(new WritableStream({ write: (c) => void (app.output += decoder.decode(c)) }));
  const streams = Promise.all([collect(child.stdout), collect(child.stderr)]);
  app.status = child.status.then(async (status) => {
    app.exited = true;
    await streams;
    return status;
  });
  return app;
}

/** Until the app says it is open: the last of its greeting is the demo admin's sign-in. */
async function listening(app: ReturnType<typeof startApp>) {
  await eventually(() => app.output.includes("admin@demo.crumb") || app.exited, {
    timeoutMs: 90_000,
    intervalMs: 50,
  });
  expect(app.exited, app.output).toBe(false);
}

/** TCP ports a process listens on, from /proc: its socket inodes in the LISTEN state. */
async function tcpListeners(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ["tcp", "tcp6"]) {
    const lines = (await readFile(`/proc/${pid}/net/${table}`, "utf8")).split("\n").slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A" && inodes.has(cols[9])) ports.push(parseInt(cols[1].split(":")[1], 16));
    }
  }
  return ports;
}

describe("the first start on a fresh machine", () => {
  it("needs no settings, keeps its secrets, and starts again after kill -9", async () => {
    const port = freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" };
    const first = startApp(env);
    await listening(first);
    const password = /Demo sign-ins \(password: (\S+)\)/.exec(first.output)?.[1];
    expect(password, first.output).toBeDefined();
    expect(first.output).toContain("customer@demo.crumb");

    const secrets = join(dataDir, "secrets.json");
    expect((await stat(secrets)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, "run", ".s.PGSQL.5432"))).mode & 0o777).toBe(0o600);
    // The shop's own port and nothing else: the database is on its socket.
    expect(await tcpListeners(first.child.pid)).toEqual([port]);

    const origin = `http://127.0.0.1:${port}`;
    const login = await fetch(`${origin}/api/v1/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "customer@demo.crumb", password }),
    });
    expect(login.status).toBe(200);
    const { refreshToken } = await login.json() as { refreshToken: string };
    const kept = await readFile(secrets, "utf8");

    first.child.kill("SIGKILL");
    await first.status;
    const second = startApp(env);
    await listening(second);
    expect(await readFile(secrets, "utf8")).toBe(kept);
    // Signed with the same secrets: a session from before the crash goes on.
    const refreshed = await fetch(`${origin}/api/v1/auth/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refreshToken }),
    });
    expect(refreshed.status).toBe(200);
    const { accessToken } = await refreshed.json() as { accessToken: string };
    const me = await fetch(`${origin}/api/v1/me`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(200);
    await me.body?.cancel();

    second.child.kill("SIGTERM");
    expect((await second.status).code, second.output).toBe(0);
  }, 180_000);
});

describe("production", () => {
  it("refuses to start without PUBLIC_URL, in one line, having written nothing", async () => {
    const empty = await mkdtemp(join(tmpdir(), "crumb-prod-"));
    try {
      const app = startApp({ CRUMB_ENV: "production", DATA_DIR: empty, PORT: "0" });
      const status = await app.status;
      expect(status.code).not.toBe(0);
      const lines = app.output.split("\n").filter((line) => line !== "");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/PUBLIC_URL must be set in production/);
      expect(await readdir(empty)).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  }, 60_000);
});
