import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDirectory } from '../private-files.js';

const keyFileName = 'admin.key';

export interface AdminKey {
  /** SHA-256 of the key; the server compares hashes in constant time. */
  hash: Buffer;
  /** Set only when this start generated the key, so it can be printed once. */
  generated?: string;
}

export function sha256(value: string): Buffer {
  return crypto.createHash('sha256').update(value).digest();
}

/**
 * The admin key comes from DEVUP_ADMIN_KEY, else from `<dataDir>/admin.key` (mode 0600, read by
 * the CLI on the same host), else it is generated now and printed once.
 */
export function resolveAdminKey(dataDir: string, configured?: string): AdminKey {
  if (configured) return { hash: sha256(configured) };
  const file = path.join(dataDir, keyFileName);
  if (fs.existsSync(file)) return { hash: sha256(fs.readFileSync(file, 'utf8').trim()) };
  const key = `devup-admin-${crypto.randomBytes(24).toString('base64url')}`;
  makePrivateDirectory(dataDir);
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { hash: sha256(key), generated: key };
}

/** The key the CLI sends: DEVUP_ADMIN_KEY, or the data dir's key file. */
export function readAdminKey(dataDir: string, configured?: string): string | undefined {
  if (configured) return configured;
  const file = path.join(dataDir, keyFileName);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

export function matchesAdminKey(presented: string | undefined, expectedHash: Buffer): boolean {
  if (!presented) return false;
  return crypto.timingSafeEqual(sha256(presented), expectedHash);
}
