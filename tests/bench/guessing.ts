/**
 * Password-guessing figures against a running shop (started with TRUSTED_PROXIES=127.0.0.1,
 * so X-Forwarded-For stands for the client's address):
 *
 *   deno run -A tests/bench/guessing.ts http://127.0.0.1:8000
 *
 * 1. 60 wrong passwords over 60 accounts from one address (spraying);
 * 2. 30 wrong passwords on one account from 6 addresses, then the right one from a 7th;
 * 3. 64 parallel guessers for 10 s from one address, then from 64 addresses: password
 *    checks per second (answers 401) and the catalog's median answer meanwhile.
 *
 * Sign-in goes through the page form (the API's request budget would stop a guesser first).
 */

const base = Deno.args[0] ?? "http://127.0.0.1:8000";
const PASSWORD = "crumbs-on-the-counter";
const run = crypto.randomUUID().slice(0, 8);

const from = (ip: string) => ({ "X-Forwarded-For": ip });

async function register(email: string, ip: string) {
  const res = await fetch(`${base}/api/v1/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...from(ip) },
    body: JSON.stringify({ email, password: PASSWORD, name: "Guessed Customer" }),
  });
  await res.body?.cancel();
  if (res.status !== 201) throw new Error(`register ${email}: ${res.status}`);
}

async function signIn(email: string, password: string, ip: string): Promise<number> {
  const res = await fetch(`${base}/signin`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "Sec-Fetch-Site": "same-origin",
      ...from(ip),
    },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  });
  await res.body?.cancel();
  return res.status;
}

const tally = (statuses: number[]) =>
  Object.entries(
    statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {}),
  ).map(([status, count]) => `${count}×${status}`).join(", ");

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** The catalog's answers, one after another, until `until` resolves. */
async function catalogTimes(until: Promise<unknown>) {
  let done = false;
  until.then(() => (done = true));
  const times: number[] = [];
  while (!done) {
    const started = performance.now();
    const res = await fetch(`${base}/`, { headers: from("198.18.0.1") });
    await res.body?.cancel();
    times.push(performance.now() - started);
  }
  return times;
}

async function guessers(
  count: number,
  seconds: number,
  address: (i: number) => string,
  emails: string[],
) {
  const statuses: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  const loops = Array.from({ length: count }, async (_, i) => {
    let n = 0;
    while (Date.now() < deadline) {
      const email = emails[(i + n++) % emails.length];
      statuses.push(await signIn(email, `guess-${i}-${n}-x`, address(i)));
    }
  });
  const finished = Promise.all(loops);
  const catalog = await catalogTimes(finished);
  await finished;
  return { statuses, catalog };
}

console.log(`shop: ${base}`);
const emails = Array.from({ length: 60 }, (_, i) => `guessed-${run}-${i}@example.com`);
for (const [i, email] of emails.entries()) await register(email, `198.19.${i}.1`);

// 1. Spraying
const spray: number[] = [];
for (const email of emails) spray.push(await signIn(email, "Winter2026!", "203.0.113.1"));
console.log(`1. 60 wrong passwords over 60 accounts from one address: ${tally(spray)}`);

// 2. One account from many addresses
const victim = emails[0];
const many: number[] = [];
for (let i = 0; i < 30; i++) {
  many.push(await signIn(victim, `guess-${i}-yy`, `203.0.113.${10 + Math.floor(i / 5)}`));
}
const seventh = await signIn(victim, PASSWORD, "203.0.113.99");
console.log(
  `2. 30 wrong passwords on one account from 6 addresses: ${tally(many)}; ` +
    `then the right one from a 7th: ${seventh}`,
);

// 3. Parallel guessers
const idle = await catalogTimes(new Promise((resolve) => setTimeout(resolve, 3000)));
console.log(`3. catalog median with nobody guessing: ${median(idle).toFixed(1)} ms`);
for (
  const [label, address] of [
    ["one address", () => "203.0.113.200"],
    ["64 addresses", (i: number) => `198.18.${100 + i}.7`],
  ] as const
) {
  const seconds = 10;
  const { statuses, catalog } = await guessers(64, seconds, address, emails.slice(1));
  const checks = statuses.filter((s) => s === 200 || s === 303 || s === 401 || s === 422).length;
  console.log(
    `   64 parallel guessers from ${label}, ${seconds} s: ${tally(statuses)}; ` +
      `${(checks / seconds).toFixed(1)} password checks/s; catalog median ` +
      `${median(catalog).toFixed(1)} ms (${catalog.length} requests)`,
  );
}
