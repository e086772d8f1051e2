import { PassThrough, Readable } from "node:stream";
import { Hono } from "hono";
import type { Logger } from "../infra/log.ts";
import { errorFields } from "../infra/log.ts";
import { type BackupSource, writeBackup } from "./dump.ts";

/** The control socket's file in DATA_DIR, for tools run beside the embedded app. */
export const CONTROL_SOCKET = "control.sock";

/**
 * What tools ask of a running embedded app through DATA_DIR/control.sock. The embedded
 * database belongs to the process that opened it (its data directory is locked), so
 * `deno task backup` on a running one-container shop asks that process for the backup
 * instead. Only those who can reach DATA_DIR (the shop's own user) can reach the socket.
 */
export function controlRoutes(source: BackupSource, log: Logger) {
  return new Hono().get("/backup", (c) => {
    const body = new PassThrough();
    writeBackup(source, body).catch((error) => {
      log.error("backup over the control socket failed", errorFields(error));
      body.destroy(error);
    });
    return c.body(Readable.toWeb(body) as ReadableStream, 200, {
      "Content-Type": "application/gzip",
    });
  });
}
