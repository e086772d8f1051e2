/**
 * Builds what the browser loads: copies htmx and Swagger UI from their npm packages
 * into static/vendor (no CDN), builds the minified Tailwind CSS into static/build, writes a
 * content hash to static/build/manifest.json for cache-busting URLs, and precompresses
 * every text file of static/ (brotli at its best level and gzip, beside the file) so they
 * are served compressed at no cost per request. `--css-only` rebuilds just the CSS.
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { readdir } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { precompressTree } from "./precompress.ts";

const root = new URL("../../", import.meta.url).pathname;
const cssOnly = Deno.args.includes("--css-only");

const vendored: [string, string][] = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["htmx.org/dist/ext/hx-sse.min.js", "hx-sse.min.js"],
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"],
];

async function run(args: string[]) {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`deno ${args.join(" ")} failed with exit code ${code}`);
}

if (!cssOnly) {
  // Browser-only packages are not imported by any module, so install them explicitly.
  await run(["install", "--quiet"]);
  for (const [from, to] of vendored) {
    const target = join(root, "static/vendor", to);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(root, "node_modules", from), target);
  }
}

// The shop's stylesheet and the staff screens' one (board, pickup screen, admin).
for (const name of ["app", "staff"]) {
  await run([
    "run",
    "-A",
    "npm:@tailwindcss/cli@4.3.3",
    "--input",
    join(root, `styles/${name}.css`),
    "--output",
    join(root, `static/build/${name}.css`),
    "--minify",
  ]);
}

const hashed = [
  "static/build/app.css",
  "static/build/staff.css",
  "static/board.js",
  "static/live.js",
  "static/api-docs.js",
  "static/board.js",
  "static/print.js",
  "static/pickup.js",
  ...vendored.map(([, to]) => `static/vendor/${to}`),
];
// The shop's drawings too: their URLs carry the version and are cached for a year.
for await (const path of filesUnder(join(root, "static/img"))) hashed.push(relative(root, path));
const hash = await crypto.subtle.digest(
  "SHA-256",
  new TextEncoder().encode(
    (await Promise.all(hashed.map((f) => readFile(join(root, f), "utf8").catch(() => "")))).join(
      "\0",
    ),
  ),
);
const version = Array.from(new Uint8Array(hash).slice(0, 6), (b) => b.toString(16).padStart(2, "0"))
  .join("");
await writeFile(join(root, "static/build/manifest.json"), JSON.stringify({ version }) + "\n");
const compressed = await precompressTree(join(root, "static"));
console.log(`assets built (version ${version}; ${compressed} files compressed)`);

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (
    const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1
    )
  ) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile() && !/\.(?:br|gz)$/.test(entry.name)) yield path;
  }
}
