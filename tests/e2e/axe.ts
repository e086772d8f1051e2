import axe from "axe-core";
import type { Page } from "playwright-core";

/** The WCAG 2.2 A and AA rules axe knows. */
const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page as it is now and returns its WCAG A/AA violations, one line each
 * ("rule: help @ selector — why"). Injected through the DevTools protocol, which the shop's
 * strict Content-Security-Policy does not apply to.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async (tags) => {
    // deno-lint-ignore no-explicit-any
    const run = (globalThis as any).axe.run as (
      context: unknown,
      options: unknown,
    ) => Promise<{ violations: Violation[] }>;
    const result = await run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  }, WCAG_AA) as Violation[];
  return violations.flatMap((v) =>
    v.nodes.map((n) =>
      `${v.id} (${v.impact}): ${v.help} @ ${n.target.join(" ")} — ${
        (n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 200)
      }`
    )
  );
}
