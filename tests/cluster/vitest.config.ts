import { defineConfig } from "vitest/config";

/** The cluster test: real processes behind Caddy on the servers of DATABASE_URL/REDIS_URL/AMQP_URL. */
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "hono/jsx" } },
  test: {
    root: new URL("../../", import.meta.url).pathname,
    include: ["tests/cluster/**/*.cluster.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: false,
  },
});
