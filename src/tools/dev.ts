/** `deno task dev`: the app with file watching, plus the Tailwind watcher, until Ctrl-C. */
const root = new URL("../../", import.meta.url).pathname;

const css = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    "npm:@tailwindcss/cli@4.3.3",
    "--input",
    "styles/app.css",
    "--output",
    "static/build/app.css",
    "--watch=always",
  ],
  cwd: root,
  stdout: "null",
  stderr: "inherit",
}).spawn();

const app = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", "--watch=src/,views/,migrations/", "src/main.ts"],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).spawn();

const stop = () => {
  for (const child of [css, app]) {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
  }
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
const status = await app.status;
stop();
await css.status;
Deno.exit(status.code);
