import { expect } from "vitest";
import type { Role } from "../src/accounts/roles.ts";
import { type App, createApp, createServices } from "../src/app.ts";
import type { TestContext } from "./harness.ts";
import { uniqueId } from "./harness.ts";
import { sseClient } from "./sse-client.ts";

/** Helpers for the order board tests: browsers with cookies, SSE frames, the board's HTML. */

export const PASSWORD = "crumbs-on-the-counter";
const meta = { ip: "192.0.2.77", userAgent: "board-test" };

/** Pickups possible whatever the hour the tests run. */
export const boardConfig = {
  OPENING_HOURS: "mon-sun 00:00-23:45",
  API_RATE_LIMIT_PER_MINUTE: "100000",
};

type Fetch = (request: Request) => Response | Promise<Response>;

/** One browser (or kiosk device): a cookie jar in front of an app or a real server. */
export class Browser {
  cookies = new Map<string, string>();
  constructor(private fetch: Fetch, private origin = "http://localhost") {}

  static of(app: App) {
    return new Browser((request) => app.request(request));
  }

  async request(
    path: string,
    init: {
      form?: Record<string, string>;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    } = {},
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    if (init.form && !headers.has("Sec-Fetch-Site")) headers.set("Sec-Fetch-Site", "same-origin");
    const res = await this.fetch(
      new Request(new URL(path, this.origin), {
        method: init.form ? "POST" : "GET",
        body: init.form ? new URLSearchParams(init.form) : undefined,
        headers,
        signal: init.signal,
        redirect: "manual",
      }),
    );
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";").map((part) => part.trim());
      const at = pair.indexOf("=");
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === "" || attributes.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string, headers?: Record<string, string>) {
    const res = await this.request(path, { headers });
    return { res, html: await res.text() };
  }

  post(path: string, form: Record<string, string>, headers?: Record<string, string>) {
    return this.request(path, { form, headers });
  }

  /** Opens an event stream; `abort()` drops the connection as a browser would. */
  async stream(path: string, headers: Record<string, string> = {}) {
    const controller = new AbortController();
    const res = await this.request(path, { headers, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    return { res, client: sseClient(res), abort: () => controller.abort() };
  }
}

export interface Account {
  id: number;
  email: string;
  name: string;
  role: Role;
}

/** A new account of `role` (in the database only). */
export async function account(t: TestContext, role: Role, name = `Test ${role}`) {
  const email = `${role}-${uniqueId()}@example.com`;
  const user = await t.services.accounts.manage.register(
    { email, password: PASSWORD, name },
    meta,
    role,
    { emailVerified: true },
  );
  return { id: user.id, email, name, role } as Account;
}

/** A browser signed in through the sign-in page as a new account of `role`. */
export async function signedIn(
  t: TestContext,
  role: Role,
  options: { name?: string; kiosk?: boolean; app?: App } = {},
) {
  const who = await account(t, role, options.name);
  const browser = Browser.of(options.app ?? t.app);
  const res = await browser.post("/signin", {
    email: who.email,
    password: PASSWORD,
    ...(options.kiosk ? { kiosk: "1" } : {}),
  });
  expect(res.status).toBe(303);
  return { browser, who };
}

/** An app on the context's infrastructure whose clock the test moves. */
export function withClock(t: TestContext, start = Date.now()) {
  const clock = { now: start };
  const deps = { ...t.deps, now: () => new Date(clock.now) };
  const services = createServices(deps);
  return { clock, services, app: createApp(deps, services) };
}

export { parseFrame, sseClient, type SseFrame } from "./sse-client.ts";

export type SseClient = ReturnType<typeof sseClient>;

const unescape = (text: string) =>
  text.replaceAll("&amp;", "&").replaceAll("&#39;", "'").replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<").replaceAll("&gt;", ">");

function slice(html: string, from: string, to: string) {
  const start = html.indexOf(from);
  if (start === -1) return "";
  const end = html.indexOf(to, start + from.length);
  return html.slice(start, end === -1 ? undefined : end);
}

function allDayRows(part: string) {
  const row =
    /<td class="all-day-qty">(\d+)<\/td>\s*<td>([^<]+)<\/td>\s*<td class="all-day-ready">(\d+)<\/td>/g;
  return [...part.matchAll(row)].map((m) => ({
    name: unescape(m[2]),
    toBake: Number(m[1]),
    ready: Number(m[3]),
  }));
}

/** What each part of a rendered board shows (ticket codes, in order). */
export function boardColumns(html: string) {
  const codes = (part: string) => [...part.matchAll(/data-code="([^"]+)"/g)].map((m) => m[1]);
  const listed = (part: string) =>
    [...part.matchAll(/<span class="ticket-code">([^<]+)<\/span>/g)].map((m) => m[1]);
  const allDay = slice(html, 'id="all-day"', 'id="upcoming-title"');
  return {
    new: codes(slice(html, 'id="col-new"', 'id="col-baking-title"')),
    baking: codes(slice(html, 'id="col-baking"', 'id="col-ready-title"')),
    ready: codes(slice(html, 'id="col-ready"', 'id="all-day"')),
    upcoming: listed(slice(html, 'id="col-upcoming"', 'id="col-closed"')),
    closed: listed(slice(html, 'id="col-closed"', "</details>")),
    /** Per product, what is still to bake (New and Baking) today. */
    allDay: Object.fromEntries(allDayRows(allDay).map((r) => [r.name, r.toBake])),
    /** Per product, what today's Ready orders hold. */
    allDayReady: Object.fromEntries(allDayRows(allDay).map((r) => [r.name, r.ready])),
  };
}

/** The HTML of one ticket on the board. */
export function ticketOf(html: string, code: string): string {
  const at = html.indexOf(`data-code="${code}"`);
  expect(at, `ticket ${code} on the board`).toBeGreaterThan(-1);
  const start = html.lastIndexOf("<article", at);
  return html.slice(start, html.indexOf("</article>", at) + "</article>".length);
}

/** The aging tone a ticket is shown in. */
export const toneOf = (html: string, code: string) =>
  /class="ticket tone-(ok|amber|red)"/.exec(ticketOf(html, code))?.[1];

/** Demo products by slug, with plenty of stock. */
export async function productIds(t: TestContext, slugs: string[]) {
  const rows = await t.sql<{ id: number; slug: string }[]>`
    update products set stock = 1000 where slug in ${t.sql(slugs)} returning id, slug`;
  return Object.fromEntries(rows.map((r) => [r.slug, r.id])) as Record<string, number>;
}

export const historyOf = (t: TestContext, orderId: number) =>
  t.sql<{ id: number; fromStatus: string | null; toStatus: string; actorId: number | null }[]>`
    select id::int, from_status, to_status, actor_id from order_status_history
    where order_id = ${orderId} order by id`;

export const statusOf = async (t: TestContext, orderId: number) => {
  const [row] = await t.sql<{ status: string }[]>`select status from orders where id = ${orderId}`;
  return row.status;
};
