import { Hono } from "hono";

export type Probe = () => Promise<void>;

const withTimeout = (probe: Probe, ms: number) =>
  Promise.race([
    probe(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timed out")), ms)),
  ]);

/** Liveness (the process answers) and readiness (every part it needs answers). */
export function opsRoutes(probes: Record<string, Probe>, timeoutMs = 2000) {
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
          checks[names[i]] = `unreachable: ${(result.reason as Error)?.message ?? result.reason}`;
          failed.push(names[i]);
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
