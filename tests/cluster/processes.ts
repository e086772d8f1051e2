import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";

/** Starting, stopping and waiting for the real processes of a cluster on this machine. */

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Running {
  name: string;
  child: Deno.ChildProcess;
  logFile: string;
  /** The exit code (a process ended by a signal it did not handle has none). */
  exited: Promise<number | null>;
  done: boolean;
}

/** Starts a command with its output in `<logDir>/<name>.log`. */
export function start(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  logDir: string,
): Running {
  const logFile = join(logDir, `${name}.log`);
  // Deno.Command rather than node:child_process: the latter reports a child that handled
  // SIGTERM and exited 0 as killed by the signal.
  const child = new Deno.Command(command, {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const log = createWriteStream(logFile, { flags: "a" });
  const copy = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log.write(chunk);
  };
  const copied = Promise.all([copy(child.stdout), copy(child.stderr)]);
  const running: Running = {
    name,
    child,
    logFile,
    done: false,
    exited: child.status.then(async (status) => {
      running.done = true;
      await copied;
      return status.signal ? null : status.code;
    }),
  };
  return running;
}

/** SIGTERM, then the exit (SIGKILL after `graceMs`); resolves with the exit code. */
export async function stop(running: Running, graceMs = 20_000) {
  if (running.done) return running.exited;
  running.child.kill("SIGTERM");
  const timer = setTimeout(() => {
    if (!running.done) running.child.kill("SIGKILL");
  }, graceMs);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls a URL until it answers 200 (or the process exits, or time runs out). */
export async function ready(url: string, running?: Running, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running?.done) throw new Error(`${running!.name} exited:\n${await tail(running!)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `${url} not ready in ${timeoutMs} ms${running ? `:\n${await tail(running)}` : ""}`,
  );
}

export async function tail(running: Running, lines = 40) {
  const text = await readFile(running.logFile, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}
