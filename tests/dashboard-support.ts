import { expect } from "vitest";
import { hashPassword } from "../src/accounts/passwords.ts";
import { insertUser } from "../src/accounts/queries.ts";
import type { AuthUser, Role } from "../src/accounts/roles.ts";
import type { TestContext } from "./harness.ts";

/** Helpers for the admin dashboard, audit log and notification tests. */

const meta = { ip: "192.0.2.61", userAgent: "dashboard-test" };
let hash: Promise<string> | undefined;

export interface SignedIn {
  user: AuthUser;
  cookie: string;
}

/** An account of the role, signed in with a web session: its cookie and its AuthUser. */
export async function signedIn(
  t: TestContext,
  role: Role,
  name: string,
  email = `${name.toLowerCase().replaceAll(" ", ".")}@example.com`,
): Promise<SignedIn> {
  hash ??= hashPassword("flour on every surface");
  const row = await insertUser(t.sql, { email, name, passwordHash: await hash, role });
  const tokens = await t.services.accounts.sessions.startSession(row!, meta, "web");
  const [session] = await t.sql<{ id: string }[]>`
    select id from sessions where user_id = ${row!.id} order by created_at desc limit 1`;
  return {
    user: {
      id: row!.id,
      email,
      name,
      role,
      sessionId: session.id,
      jti: crypto.randomUUID(),
      tokenExpiresAt: Math.floor(Date.now() / 1000) + 600,
    },
    cookie: `crumb_access=${tokens.accessToken}; crumb_refresh=${tokens.refreshToken}`,
  };
}

interface RequestApp {
  request(input: Request): Response | Promise<Response>;
}

/** GET as a signed-in person (or no one); htmx headers when given. */
export async function get(
  app: RequestApp,
  path: string,
  who?: SignedIn,
  headers: Record<string, string> = {},
) {
  const res = await app.request(
    new Request(`http://localhost${path}`, {
      headers: { ...headers, ...(who ? { Cookie: who.cookie } : {}) },
    }),
  );
  return { res, html: await res.text() };
}

/** Every path refuses customers and staff (403) and sends visitors to sign in. */
export async function expectAdminsOnly(
  app: RequestApp,
  paths: string[],
  customer: SignedIn,
  staff: SignedIn,
) {
  for (const path of paths) {
    const anonymous = await get(app, path);
    expect(anonymous.res.status, path).toBe(303);
    expect(anonymous.res.headers.get("Location"), path).toBe(
      `/signin?next=${encodeURIComponent(path)}`,
    );
    for (const who of [customer, staff]) {
      const { res, html } = await get(app, path, who);
      expect(res.status, `${path} as ${who.user.role}`).toBe(403);
      expect(html).not.toContain('id="dashboard-figures"');
    }
  }
}

/** The rows of the first table body of a page. */
export const tableRows = (html: string) => {
  const body = html.slice(html.indexOf("<tbody>"), html.indexOf("</tbody>"));
  return body.split("<tr").slice(1);
};

/** An order row as the tests need it, straight into the table. */
export async function insertOrder(
  t: TestContext,
  o: { userId: number; code: string; status: string; placedAt: Date; totalCents: number },
): Promise<number> {
  const [row] = await t.sql<{ id: number }[]>`
    insert into orders (code, code_day, user_id, status, pickup_at, subtotal_cents, total_cents,
      currency, placed_at, status_changed_at)
    values (${o.code}, ${o.placedAt.toISOString().slice(0, 10)}, ${o.userId}, ${o.status},
      ${new Date(o.placedAt.getTime() + 3_600_000)}, ${o.totalCents}, ${o.totalCents}, 'EUR',
      ${o.placedAt}, ${o.placedAt})
    returning id`;
  // Placed long ago as far as the worker knows: its placement was announced then.
  await t.sql`
    insert into order_status_history (order_id, from_status, to_status, actor_id, at,
      announced_at)
    values (${row.id}, null, 'placed', ${o.userId}, ${o.placedAt}, ${o.placedAt})`;
  return row.id;
}

export interface SseFrame {
  event?: string;
  data?: string;
}

/** Reads SSE frames from a response body, each wait bounded by a deadline. */
export function sseFrames(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const read = (timeoutMs: number) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no SSE data within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([reader.read(), deadline]).finally(() => clearTimeout(timer));
  };
  return {
    /** The next frame that carries data. */
    async nextData(timeoutMs = 3000): Promise<SseFrame> {
      while (true) {
        const end = buffer.indexOf("\n\n");
        if (end !== -1) {
          const raw = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: SseFrame = {};
          const data: string[] = [];
          for (const line of raw.split("\n")) {
            if (line.startsWith("data: ")) data.push(line.slice(6));
            else if (line.startsWith("event: ")) frame.event = line.slice(7);
          }
          if (data.length) return { ...frame, data: data.join("\n") };
          continue;
        }
        const { done, value } = await read(timeoutMs);
        if (done) throw new Error("stream ended");
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

/** The big number of a dashboard figure (`data-figure="…"`). */
export function figure(html: string, name: string): string {
  const match = new RegExp(
    `data-figure="${name}"[^>]*>\\s*<dt>[^<]*</dt>\\s*<dd class="stat-value">([^<]*)</dd>`,
  ).exec(html);
  if (!match) throw new Error(`no figure ${name}`);
  return match[1];
}
