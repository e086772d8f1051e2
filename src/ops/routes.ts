import { Hono } from "hono";
import type { Logger } from "../infra/log.ts";

export type Probe = () => Promise<void>;

const withTimeout = (probe: Probe, ms: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  // The timer is cleared once the probe answers: frequent probes leave none behind.
  return Promise.race([probe(), deadline]).finally(() => clearTimeout(timer));
};

/** Liveness (the process answers) and readiness (every part it needs answers). */
export function opsRoutes(probes: Record<string, Probe>, log: Logger, timeoutMs = 2000) {
  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      const names = Object.keys(probes);
      const results = await Promise.allSettled(
        names.map((name) => withTimeout(probes[name], timeoutMs)),
      );
      const checks: Record<string, string> = {};
      const failed: string[] = [];
      results.forEach((result, i) => {
        if (result.status === "fulfilled") checks[names[i]] = "ok";
        else {
          // The reason goes to the log, not to whoever asks: it may name hosts and ports.
          checks[names[i]] = "unreachable";
          failed.push(names[i]);
          log.warn("readiness probe failed", {
            part: names[i],
            error: (result.reason as Error)?.message ?? String(result.reason),
          });
        }
      });
      c.header("Cache-Control", "no-store");
      if (failed.length) {
        return c.json(
          { status: "unavailable", message: `Not ready: ${failed.join(", ")} unreachable`, checks },
          503,
        );
      }
      return c.json({ status: "ready", checks });
    });
}
