/** The first entry of every backup archive: what it holds and what made it. */
export const MANIFEST_NAME = "crumb-backup.json";
export const FORMAT = "crumb-backup";
export const FORMAT_VERSION = 1;

export interface BackupManifest {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  createdAt: string;
  /** The database it was taken from: "pglite" (embedded) or "postgres". */
  source: string;
  migrations: { version: number; name: string; checksum: string; appliedAt: string }[];
  tables: { name: string; rows: number; columns: string[] }[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
  uploads: { files: number; bytes: number };
}

/** Where a table's rows are in the archive: one JSON string (the row as text) per line. */
export const tableEntry = (table: string) => `db/${table}.jsonl`;
export const UPLOADS_ENTRY = "uploads/";

export class BackupError extends Error {
  override name = "BackupError";
}

export function checkManifest(value: unknown): BackupManifest {
  const m = value as Partial<BackupManifest> | null;
  if (m?.format !== FORMAT) throw new BackupError("This file is not a Crumb backup.");
  if (m.version !== FORMAT_VERSION) {
    throw new BackupError(
      `This backup has format version ${m.version}; this Crumb reads version ${FORMAT_VERSION}.`,
    );
  }
  if (!Array.isArray(m.migrations) || !Array.isArray(m.tables) || !Array.isArray(m.sequences)) {
    throw new BackupError("The backup's manifest is damaged.");
  }
  return m as BackupManifest;
}
