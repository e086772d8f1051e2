import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../tests/harness.ts";
import { lockDataDir } from "./data-dir-lock.ts";

/**
 * One process at a time in a data directory; a process killed with SIGKILL leaves nothing
 * that keeps the next one out, even before its parent has reaped it.
 */

let dir: string;
let holder: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "crumb-lock-"));
  holder = join(dir, "hold-lock.ts");
  const lockModule = new URL("./data-dir-lock.ts", import.meta.url).href;
  await writeFile(
    holder,
    `import { lockDataDir } from ${JSON.stringify(lockModule)};
await lockDataDir(Deno.args[0]);
console.log("locked");
setInterval(() => {}, 60_000);
`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Another process holding the lock of `data`, once it says so. */
async function otherProcessHolding(data: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-lock", holder, data],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain("locked");
  reader.releaseLock();
  return child;
}

describe("the data directory lock", () => {
  it("keeps a second process out while the first runs, naming it", async () => {
    const data = await mkdtemp(join(dir, "data-"));
    const child = await otherProcessHolding(data);
    try {
      await expect(lockDataDir(data)).rejects.toThrow(
        new RegExp(`in use by another Crumb process \\(pid ${child.pid}\\)`),
      );
    } finally {
      child.kill("SIGKILL");
      await child.status;
      await child.stdout.cancel();
    }
  });

  it("is free as soon as its owner is killed, even while nobody has reaped it", async () => {
    const data = await mkdtemp(join(dir, "data-"));
    // The owner's parent becomes `sleep`, which never reaps: killed, the owner stays a zombie
    // and its pid stays taken, as under a supervisor that is slow to notice.
    const parent = new Deno.Command("sh", {
      args: [
        "-c",
        '"$0" run -A --no-lock "$1" "$2" & echo "$!"; exec sleep 600',
        Deno.execPath(),
        holder,
        data,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = parent.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let output = "";
    while (!output.includes("locked")) output += (await lines.read()).value ?? "";
    const owner = Number(output.split("\n")[0]);
    try {
      Deno.kill(owner, "SIGKILL");
      await eventually(async () =>
        (await Deno.readTextFile(`/proc/${owner}/stat`)).includes(") Z")
      );
      const release = await eventually(() => lockDataDir(data), { timeoutMs: 10_000 });
      await release();
    } finally {
      parent.kill("SIGKILL");
      await parent.status;
      await lines.cancel();
    }
  });

  it("keeps out a second opening in the same process until it is released", async () => {
    const data = await mkdtemp(join(dir, "data-"));
    const release = await lockDataDir(data);
    await expect(lockDataDir(data)).rejects.toThrow(/in use/);
    await release();
    const again = await lockDataDir(data);
    await again();
  });
});
