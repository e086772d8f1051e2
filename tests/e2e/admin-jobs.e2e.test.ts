import { mkdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { newMessage } from "../../src/infra/queue.ts";
import { ORDERS_QUEUE } from "../../src/outbox/outbox.ts";
import { eventually } from "../harness.ts";
import { type E2E, startE2E } from "./browser.ts";

/** The jobs screen in Chromium: a dead letter retried with a click; its picture for the README. */
describe("the admin jobs screen in Chromium", () => {
  let e2e: E2E;
  let page: Page;
  const password = "sourdough needs patience";
  const notice = newMessage("order.ready", { orderId: 118 });
  const confirmation = newMessage("order.placed", { orderId: 121 });

  beforeAll(async () => {
    e2e = await startE2E();
    await e2e.t.services.accounts.manage.register(
      { email: "ada.admin@example.com", password, name: "Ada Admin" },
      { ip: "127.0.0.1", userAgent: "e2e" },
      "admin",
    );
    // The mail server refused two messages five times: they wait in the dead letters.
    const consumer = await e2e.t.queue.consume(
      ORDERS_QUEUE,
      () => Promise.reject(new Error("SMTP 451 4.7.1 mail.example.com: try again later")),
      {
        maxAttempts: 1,
      },
    );
    await e2e.t.queue.publish(ORDERS_QUEUE, confirmation);
    await e2e.t.queue.publish(ORDERS_QUEUE, notice);
    await eventually(async () => (await e2e.t.queue.stats(ORDERS_QUEUE)).dead === 2);
    await consumer.stop();
    await e2e.t.sql`
      insert into outbox (message_id, queue, type, payload, created_at)
      values (${crypto.randomUUID()}, 'orders', 'order.placed', '{}', now() - interval '4 seconds')`;
    page = await e2e.newPage(
      await e2e.browser.newContext({
        baseURL: e2e.baseUrl,
        viewport: { width: 1280, height: 900 },
        locale: "en-GB",
      }),
    );
    await page.goto("/signin?next=%2Fadmin%2Fjobs");
    await page.getByLabel("Email").fill("ada.admin@example.com");
    await page.getByLabel("Password").fill(password);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/admin/jobs"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
  });
  afterAll(() => e2e?.close());

  it("shows the queues and the dead letters with their last error", async () => {
    expect(await page.locator("h1").textContent()).toBe("Jobs");
    expect(await page.locator('tr[data-queue="orders"] [data-figure="dead"]').textContent())
      .toBe("2");
    expect(await page.locator("#queue-orders").textContent()).toContain("SMTP 451");
    await mkdir("docs/screenshots", { recursive: true });
    await page.screenshot({
      path: "docs/screenshots/admin-jobs.png",
      fullPage: true,
      animations: "disabled",
      caret: "hide",
    });
  });

  it("retries a dead letter with a click and says so", async () => {
    await page.getByRole("button", { name: `Retry the order.ready job ${notice.id}` }).click();
    await expect.poll(() => page.locator(".flash").textContent())
      .toContain("put back on its queue");
    expect(await page.locator('tr[data-queue="orders"] [data-figure="dead"]').textContent())
      .toBe("1");
    expect(await page.locator(`#job-${notice.id}`).count()).toBe(0);
    expect((await e2e.t.queue.stats(ORDERS_QUEUE)).waiting).toBe(1);
  });

  it("shows no errors in the browser", () => {
    expect(e2e.consoleErrors).toEqual([]);
  });
});
