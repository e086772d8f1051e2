import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword } from "../src/accounts/passwords.ts";
import { insertUser } from "../src/accounts/queries.ts";
import type { Role } from "../src/accounts/roles.ts";
import { createTestContext, type TestContext } from "./harness.ts";

/** Helpers for the admin catalog tests: a context with its own data folder, signed-in people. */

export interface AdminTestContext extends TestContext {
  dataDir: string;
  uploadsDir: string;
  /** Cookies of a signed-in admin, staff member and customer. */
  admin: string;
  staff: string;
  customer: string;
  adminId: number;
}

let hash: Promise<string> | undefined;
let serial = 0;

export async function signIn(t: TestContext, role: Role) {
  hash ??= hashPassword("sugar and flour and butter");
  const n = ++serial;
  const user = await insertUser(t.sql, {
    email: `${role}-${n}-${crypto.randomUUID().slice(0, 8)}@example.com`,
    name: `${role[0].toUpperCase()}${role.slice(1)} ${n}`,
    passwordHash: await hash,
    role,
  });
  const tokens = await t.services.accounts.sessions.startSession(
    user!,
    { ip: "192.0.2.20", userAgent: "admin-test" },
    "web",
  );
  return {
    id: user!.id,
    cookie: `crumb_access=${tokens.accessToken}; crumb_refresh=${tokens.refreshToken}`,
  };
}

/** A seeded app whose DATA_DIR is a fresh temporary folder. */
export async function createAdminContext(): Promise<AdminTestContext> {
  const dataDir = await mkdtemp(join(tmpdir(), "crumb-admin-"));
  const t = await createTestContext({ seed: true, config: { DATA_DIR: dataDir } });
  const admin = await signIn(t, "admin");
  const staff = await signIn(t, "staff");
  const customer = await signIn(t, "customer");
  return {
    ...t,
    dataDir,
    uploadsDir: join(dataDir, "uploads"),
    admin: admin.cookie,
    adminId: admin.id,
    staff: staff.cookie,
    customer: customer.cookie,
    close: async () => {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The files in the uploads folder (none when it was never created). */
export async function uploadedFiles(t: AdminTestContext): Promise<string[]> {
  try {
    return await readdir(t.uploadsDir);
  } catch {
    return [];
  }
}

export type Fields = Record<string, string | string[] | File>;

export function formData(fields: Fields): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) data.append(name, v);
  }
  return data;
}

/** A same-origin POST of a form (multipart when it holds a file, else urlencoded). */
export function post(
  t: TestContext,
  path: string,
  cookie: string | undefined,
  fields: Fields,
  headers: Record<string, string> = {},
) {
  const multipart = Object.values(fields).some((v) => v instanceof File);
  const body = multipart ? formData(fields) : new URLSearchParams(
    Object.entries(fields).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v as string]).map((x) => [k, x])
    ),
  );
  return t.app.request(path, {
    method: "POST",
    headers: { "Sec-Fetch-Site": "same-origin", ...(cookie ? { Cookie: cookie } : {}), ...headers },
    body,
  });
}

export function get(
  t: TestContext,
  path: string,
  cookie?: string,
  headers: Record<string, string> = {},
) {
  return t.app.request(path, { headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers } });
}

/** Headers of an htmx request that swaps the element with this id. */
export const htmx = (id: string, tag = "form") => ({
  "HX-Request": "true",
  "HX-Target": `${tag}#${id}`,
});

export async function auditActions(t: TestContext, entityType: string, entityId: number) {
  const rows = await t.sql<{ action: string; actorId: number | null; details: unknown }[]>`
    select action, actor_id, details from audit_log
    where entity_type = ${entityType} and entity_id = ${String(entityId)} order by id`;
  return rows;
}

/** The value attribute of the input with this id in a page. */
export function inputValue(html: string, id: string): string | undefined {
  const tag = new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  return tag ? /\bvalue="([^"]*)"/.exec(tag)?.[1] : undefined;
}

/** Every route of a screen refuses customers and staff (403), and sends strangers to sign in. */
export async function expectAdminOnly(
  t: AdminTestContext,
  routes: { method: "GET" | "POST"; path: string }[],
) {
  const seen: string[] = [];
  for (const { method, path } of routes) {
    for (
      const [who, cookie] of [["customer", t.customer], ["staff", t.staff], ["anon", undefined]]
    ) {
      const res = method === "GET" ? await get(t, path, cookie) : await post(t, path, cookie, {});
      const expected = cookie ? 403 : method === "GET" ? 303 : 401;
      seen.push(
        `${method} ${path} ${who} ${res.status}${
          res.status === expected ? "" : ` (want ${expected})`
        }`,
      );
      if (!cookie && method === "GET") {
        seen[seen.length - 1] += res.headers.get("Location")?.startsWith("/signin?next=")
          ? ""
          : " (no sign-in)";
      }
    }
  }
  return seen.filter((line) => line.includes("want") || line.includes("no sign-in"));
}

/** Opens GET /events/stock; `until` reads it until the text holds `needle` (or fails). */
export async function openStockStream(t: TestContext) {
  const controller = new AbortController();
  const res = await t.app.request(
    new Request("http://localhost/events/stock", { signal: controller.signal }),
  );
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const read = (timeoutMs: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no stock event within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return Promise.race([reader.read(), deadline]).finally(() => clearTimeout(timer));
  };
  return {
    async until(needle: string, timeoutMs = 3000) {
      while (!text.includes(needle)) {
        const { done, value } = await read(timeoutMs);
        if (done) throw new Error("stream ended");
        text += decoder.decode(value, { stream: true });
      }
      return text;
    },
    close: () => controller.abort(),
  };
}
