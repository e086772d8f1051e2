// scratch: CPU per request in-process
import { createTestContext } from "../harness.ts";
import process from "node:process";
const t = await createTestContext({ seed: true });
const paths = Deno.args.length ? Deno.args : ["/", "/api/v1/products"];
const N = Number(Deno.env.get("N") ?? 2000);
for (const path of paths) {
  for (let i = 0; i < 200; i++) await (await t.app.request(path)).arrayBuffer();
  const c0 = process.cpuUsage(); const w0 = performance.now();
  let size = 0;
  for (let i = 0; i < N; i += 16) {
    const rs = await Promise.all(Array.from({ length: 16 }, () => t.app.request(path).then((r) => r.arrayBuffer())));
    size = rs[0].byteLength;
  }
  const c = process.cpuUsage(c0); const w = performance.now() - w0;
  console.log((globalThis as any).__stockQueries, path.padEnd(24), "cpu µs/req", ((c.user + c.system) / N).toFixed(0), "wall µs/req", (w * 1000 / N).toFixed(0), "bytes", size);
}
console.log([...((globalThis as any).__q ?? new Map()).entries()].sort((a: any, b: any) => b[1] - a[1]).slice(0, 8));
await t.close();
Deno.exit(0);
