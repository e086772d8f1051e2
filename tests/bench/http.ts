/** Helpers of the bench: processes it starts, readiness, and wrk runs read back. */

export interface WrkResult {
  name: string;
  path: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Bytes per response as wrk read them (headers included). */
  bytesPerResponse: number;
  ratioToBaseline?: number;
}

const root = new URL("../../", import.meta.url).pathname;

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export async function waitFor(url: string, timeoutMs = 60_000) {
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

export function start(args: string[], env: Record<string, string>) {
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

function toBytes(value: number, unit: string): number {
  return value * ({ B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[unit] ?? 1);
}

export async function wrk(
  name: string,
  url: string,
  { connections, seconds }: { connections: number; seconds: number },
): Promise<WrkResult> {
  const { stdout, code } = await new Deno.Command("wrk", {
    args: ["-t2", `-c${connections}`, `-d${seconds}s`, "--latency", url],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) throw new Error(`wrk failed for ${name}:\n${text}`);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const read = /requests in [^,]+, ([\d.]+)(B|KB|MB|GB) read/.exec(text);
  return {
    name,
    path: new URL(url).pathname + new URL(url).search,
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]),
    p50Ms: toMs(/\s50%\s+(\S+)/.exec(text)?.[1] ?? ""),
    p99Ms: toMs(/\s99%\s+(\S+)/.exec(text)?.[1] ?? ""),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0),
    bytesPerResponse: read ? Math.round(toBytes(Number(read[1]), read[2]) / requests) : NaN,
  };
}

export const ratio = (value: number, baseline: number) =>
  Math.round((value / baseline) * 1000) / 1000;

/** Load averages of the machine (1, 5 and 15 minutes): the bench shares it. */
export async function loadAverage(): Promise<number[]> {
  try {
    const text = await Deno.readTextFile("/proc/loadavg");
    return text.split(" ").slice(0, 3).map(Number);
  } catch {
    return [];
  }
}
