import fs from 'node:fs';
import path from 'node:path';

// What the gateway writes in its data dir (database, keys, engine logs, run files) is for its own
// user only: directories 0700, files 0600. Modes are set explicitly rather than through the umask,
// which worker threads cannot change and which would also apply to the rest of the process.

/** Creates a directory and its missing parents 0700; one that exists keeps its mode (the operator chose it). */
export function makePrivateDirectory(directory: string): void {
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
}

/** Opens a file for appending, created 0600; a file an older version created wider is narrowed. */
export function openPrivateForAppend(file: string): number {
  makePrivateDirectory(path.dirname(file));
  const descriptor = fs.openSync(file, 'a', 0o600);
  fs.fchmodSync(descriptor, 0o600);
  return descriptor;
}

/** Writes a whole file, 0600 (also when it existed with a wider mode). */
export function writePrivateFile(file: string, content: string): void {
  makePrivateDirectory(path.dirname(file));
  const descriptor = fs.openSync(file, 'w', 0o600);
  try {
    fs.fchmodSync(descriptor, 0o600);
    fs.writeFileSync(descriptor, content);
  } finally {
    fs.closeSync(descriptor);
  }
}

/** Narrows existing files to 0600 (SQLite's `-wal`/`-shm` files left by an older version); missing ones are skipped. */
export function narrowToPrivate(...files: string[]): void {
  for (const file of files) {
    try {
      fs.chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
