import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { errorFields, type Logger } from "../infra/log.ts";
import { localParts } from "../shop/hours.ts";
import { type BackupSource, writeBackup } from "./dump.ts";

/** Daily backups are named by the shop's date, so their names sort by age. */
const DAILY = /^crumb-\d{4}-\d{2}-\d{2}\.tar\.gz$/;
const CHECK_EVERY_MS = 60_000;

export interface DailyBackupOptions {
  source: BackupSource;
  /** DATA_DIR/backups. */
  dir: string;
  /** "HH:MM" in the shop's time zone. */
  at: string;
  timeZone: string;
  /** How many daily backups to keep. */
  keep: number;
  log: Logger;
  now?: () => Date;
}

/**
 * The one-container mode's safety net: once a day, at `at` shop time (or at the first check
 * after it, if the shop was down then), a backup into DATA_DIR/backups, keeping the newest
 * `keep`. A day's backup is written under a temporary name and renamed when complete, so a
 * crash never leaves a half backup that looks whole. Copy them off the machine: a backup on
 * the disk that dies with the data is no backup.
 */
export function dailyBackups(options: DailyBackupOptions) {
  const now = options.now ?? (() => new Date());
  const [hour, minute] = options.at.split(":").map(Number);
  const due = hour * 60 + minute;
  let running: Promise<void> | undefined;
  let lastDay: string | undefined;

  /** Backs up now under today's name and prunes; returns the file's path. */
  const backUp = async (day: string) => {
    await mkdir(options.dir, { recursive: true });
    const file = join(options.dir, `crumb-${day}.tar.gz`);
    const partial = `${file}.partial`;
    try {
      const { manifest, snapshotMs } = await writeBackup(
        options.source,
        createWriteStream(partial),
      );
      await rename(partial, file);
      options.log.info("daily backup written", {
        file,
        rows: manifest.tables.reduce((sum, t) => sum + t.rows, 0),
        uploads: manifest.uploads.files,
        snapshotMs: Math.round(snapshotMs),
      });
    } finally {
      await rm(partial, { force: true });
    }
    await prune(options.dir, options.keep);
    return file;
  };

  /** Runs the day's backup if it is due and not yet made (today's file counts as made). */
  const check = async () => {
    const local = localParts(now(), options.timeZone);
    if (local.minutes < due || lastDay === local.date) return;
    const existing = await readdir(options.dir).catch(() => [] as string[]);
    lastDay = local.date;
    if (existing.includes(`crumb-${local.date}.tar.gz`)) return;
    await backUp(local.date);
  };

  const tick = () => {
    running ??= check().catch((error) => {
      // Tried again at the next check: lastDay is forgotten.
      lastDay = undefined;
      options.log.error("daily backup failed", errorFields(error));
    }).finally(() => (running = undefined));
    return running;
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    check: tick,
    start() {
      timer = setInterval(tick, CHECK_EVERY_MS);
      if (typeof Deno !== "undefined") Deno.unrefTimer(timer as unknown as number);
      void tick();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Deletes all but the newest `keep` daily backups (and nothing else in the folder). */
export async function prune(dir: string, keep: number) {
  const daily = (await readdir(dir)).filter((name) => DAILY.test(name)).sort();
  for (const name of daily.slice(0, Math.max(0, daily.length - keep))) {
    await rm(join(dir, name), { force: true });
  }
}
