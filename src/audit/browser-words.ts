import { UAParser } from "ua-parser-js";

/**
 * A user-agent string as people say it: "Chrome on Android", "Safari on iOS". Programs
 * that are not browsers (scripts, API clients) give their first word: "curl".
 */
export function browserWords(userAgent: string | null | undefined): string | undefined {
  if (!userAgent) return undefined;
  const { browser, os } = new UAParser(userAgent).getResult();
  if (browser.name) return os.name ? `${browser.name} on ${os.name}` : browser.name;
  const program = userAgent.trim().split(/[\s/]/)[0];
  return program ? program.slice(0, 40) : undefined;
}
