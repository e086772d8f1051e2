/**
 * The bench's baselines, on the same runtime: a bare Hono route returning a short text, and
 * a static HTML page of any size (`/page?bytes=N`, made once per size): the ceiling for
 * serving a page of that many bytes on this machine.
 */
import { Hono } from "hono";

const pages = new Map<number, string>();

/** An HTML document of exactly `bytes` bytes (ASCII), built once and kept. */
function staticPage(bytes: number): string {
  let page = pages.get(bytes);
  if (!page) {
    const head = "<!doctype html><html lang=en><title>Static</title><body><p>";
    const tail = "</p></body></html>";
    const filler = "Fresh bread, pastries and cakes. ".repeat(Math.ceil(bytes / 33));
    page = head + filler.slice(0, Math.max(0, bytes - head.length - tail.length)) + tail;
    pages.set(bytes, page);
  }
  return page;
}

const app = new Hono()
  .get("/", (c) => c.text("ok"))
  .get("/page", (c) => c.html(staticPage(Math.min(Number(c.req.query("bytes")) || 0, 1 << 20))));
Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.env.get("PORT") ?? 0),
  onListen: ({ port }) => console.log(`listening ${port}`),
}, app.fetch);
