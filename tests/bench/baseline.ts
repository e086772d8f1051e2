/** The bench's baseline: a bare Hono route returning a short text, on the same runtime. */
import { Hono } from "hono";

const app = new Hono().get("/", (c) => c.text("ok"));
Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.env.get("PORT") ?? 0),
  onListen: ({ port }) => console.log(`listening ${port}`),
}, app.fetch);
