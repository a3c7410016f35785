import fs from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '../../../private-files.js';

/** What the gateway remembers of a managed process, to re-attach to it after a restart. */
export interface RunInfo {
  pid: number;
  port: number;
  executable: string;
  startedAt: number;
}

/**
 * `<dataDir>/run/<targetId>.json`: the pid and port of a running managed process. Kept in the data
 * dir rather than the database because a pid means something only on this host.
 */
export class RunFile {
  readonly file: string;

  constructor(dataDir: string, targetId: string) {
    this.file = path.join(dataDir, 'run', `${targetId}.json`);
  }

  read(): RunInfo | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as RunInfo;
    } catch {
      return undefined;
    }
  }

  write(info: RunInfo): void {
    writePrivateFile(this.file, JSON.stringify(info));
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}

/** True when `pid` is alive and (where /proc exists) still runs `executable`, guarding against pid reuse. */
export function isRunning(info: RunInfo): boolean {
  try {
    process.kill(info.pid, 0);
  } catch {
    return false;
  }
  try {
    const commandLine = fs.readFileSync(`/proc/${info.pid}/cmdline`, 'utf8').split('\0');
    return commandLine.some((part) => part === info.executable || path.basename(part) === path.basename(info.executable));
  } catch {
    return true;
  }
}
