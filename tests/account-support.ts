import { expect } from "vitest";
import { createApp, createServices, type Services } from "../src/app.ts";
import type { Consumer } from "../src/infra/queue.ts";
import { startConsumers, stopConsumers, workerDeps } from "../worker/handlers/index.ts";
import { CookieBrowser } from "./cookie-browser.ts";
import { eventually, type TestContext } from "./harness.ts";

/** Helpers for the account-link tests: an app with a clock to move, and the mails it sends. */

export interface ClockedShop {
  app: ReturnType<typeof createApp>;
  services: Services;
  /** Moves the app's clock (token expiry, rate limits) forward. */
  advance(ms: number): void;
  /** A new browser (its own address) on this app. */
  browser(): CookieBrowser;
  /** Relays the outbox and runs the worker's consumers, as the app does on embedded parts. */
  startMail(): Promise<void>;
  stop(): Promise<void>;
}

export function clockedShop(t: TestContext): ClockedShop {
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const deps = { ...t.deps, now };
  const services = createServices(deps);
  const app = createApp(deps, services);
  let consumers: Consumer[] = [];
  return {
    app,
    services,
    advance: (ms) => void (offsetMs += ms),
    browser: () => new CookieBrowser(() => app),
    async startMail() {
      consumers = await startConsumers(
        workerDeps(t.deps.config, { sql: t.sql, queue: t.queue, log: t.deps.log }),
      );
      services.relay.start();
    },
    async stop() {
      await services.relay.stop();
      await stopConsumers(consumers);
    },
  };
}

export interface MailedLink {
  recipient: string;
  subject: string;
  body: string;
  url: string;
  /** The path and query of the link, for app.request(). */
  path: string;
  token: string;
}

/**
 * The `count`-th mail of this kind to this address (1 = the first), once the worker recorded
 * it, with the link it carries.
 */
export async function mailedLink(
  t: TestContext,
  recipient: string,
  kind: "password_reset" | "email_verification",
  count = 1,
): Promise<MailedLink> {
  const rows = await eventually(async () => {
    const found = await t.sql<{ recipient: string; subject: string; body: string }[]>`
      select recipient, subject, body from notifications
      where lower(recipient) = lower(${recipient}) and kind = ${kind} order by id`;
    return found.length >= count ? found : null;
  }, { timeoutMs: 15_000, intervalMs: 25 });
  const mail = rows![count - 1];
  const url = mail.body.match(/https?:\/\/\S+\?token=[\w-]+/)?.[0];
  expect(url, mail.body).toBeTruthy();
  const parsed = new URL(url!);
  return {
    ...mail,
    url: url!,
    path: parsed.pathname + parsed.search,
    token: parsed.searchParams.get("token")!,
  };
}

/** How many mails of this kind went to this address. */
export async function mailCount(t: TestContext, recipient: string, kind: string) {
  const [{ n }] = await t.sql<{ n: number }[]>`
    select count(*)::int as n from notifications
    where lower(recipient) = lower(${recipient}) and kind = ${kind}`;
  return n;
}

/** The lines of the audit log with this action about this user. */
export const auditOf = (t: TestContext, action: string, userId: number) =>
  t.sql<{ actorId: number | null; details: Record<string, unknown>; ip: string | null }[]>`
    select actor_id, details, ip from audit_log
    where action = ${action} and entity_type = 'user' and entity_id = ${String(userId)}
    order by id`;
