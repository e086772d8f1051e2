import type { Context } from "hono";
import { getConnInfo } from "hono/deno";

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is the address 10.0.0.1. */
const unmapped = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");

/**
 * The client's address. X-Forwarded-For is believed only from a configured trusted proxy,
 * and then only up to the first hop that is not itself a trusted proxy: anything further
 * left could have been written by the client.
 */
export function clientIp(c: Context, trustedProxies: string[]): string {
  let peer = "unknown";
  try {
    peer = unmapped(getConnInfo(c).remote.address ?? "unknown");
  } catch { /* no connection (tests through app.request) */ }
  const trusted = (address: string) => trustedProxies.includes(address);
  if (!trusted(peer)) return peer;
  const hops = (c.req.header("X-Forwarded-For") ?? "").split(",").map((h) => unmapped(h.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trusted(hops[i])) return hops[i];
  }
  return peer;
}
