import { mkdir } from "node:fs/promises";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { createTestContext, type TestContext, type TestContextOptions } from "../harness.ts";

/**
 * A served app and Debian's Chromium (Playwright gives each launch a fresh, empty profile). Any console error or uncaught page error fails the
 * test that caused it: a page that "works" while throwing is broken.
 */
export interface E2E {
  t: TestContext;
  baseUrl: string;
  browser: Browser;
  newPage(context?: BrowserContext): Promise<Page>;
  /** Errors seen in the browser so far; tests assert it stays empty. */
  consoleErrors: string[];
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export const screenshotDir = "test-results/e2e";

export async function startE2E(options: TestContextOptions = {}): Promise<E2E> {
  const t = await createTestContext({ seed: true, ...options });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, t.app.fetch);
  const baseUrl = `http://127.0.0.1:${server.addr.port}`;
  const browser = await chromium.launch({
    executablePath: Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  await mkdir(screenshotDir, { recursive: true });
  const consoleErrors: string[] = [];
  return {
    t,
    baseUrl,
    browser,
    consoleErrors,
    async newPage(context) {
      const page = await (context ?? browser).newPage({ baseURL: baseUrl } as never);
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
      });
      page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: `${screenshotDir}/${name}.png`, fullPage: true });
    },
    async close() {
      await browser.close();
      // Streams held by pages must end before the server can finish shutting down.
      await t.live.close();
      await server.shutdown();
      await t.close();
    },
  };
}
