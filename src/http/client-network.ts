/**
 * The network a client address stands for when counting per client: an IPv4 address
 * itself, an IPv6 address's /64 (one household or phone holds a whole /64, so counting
 * single IPv6 addresses would give one client 2^64 budgets). Anything unparseable counts
 * as itself.
 */
export function clientNetwork(ip: string): string {
  if (!ip.includes(":")) return ip;
  const address = ip.split("%")[0].toLowerCase();
  const [head, tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) takes two groups; only the first four matter.
  const missing = 8 - left.length - right.length - (right.at(-1)?.includes(".") ? 1 : 0);
  const groups = address.includes("::")
    ? [...left, ...Array(Math.max(0, missing)).fill("0"), ...right]
    : left;
  if (groups.length < 4 || groups.slice(0, 4).some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return ip;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
