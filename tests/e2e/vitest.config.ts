import { defineConfig } from "vitest/config";

export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "hono/jsx" } },
  test: {
    root: new URL("../../", import.meta.url).pathname,
    include: ["tests/e2e/**/*.e2e.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A page's answer (a password check, a navigation, a live update) may take seconds on a
    // busy machine; a poll that is right returns at once, so a longer ceiling costs nothing.
    expect: { poll: { timeout: 10_000 } },
    pool: "forks",
    // One browser at a time: the machine has two cores.
    fileParallelism: false,
  },
});
