/**
 * The bench's own PostgreSQL database when DATABASE_URL is set: created for the run and
 * dropped after, so the app's migrations never touch a database someone else uses.
 */
import postgres from "postgres";

export async function benchDatabase(url: string | undefined) {
  if (!url) return { url: undefined, drop: async () => {} };
  const name = `crumb_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
