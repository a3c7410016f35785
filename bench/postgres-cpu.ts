import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * CPU time (user + system, ms) that a local PostgreSQL server has used so far: its postmaster and
 * every process the postmaster started (backends, autovacuum, checkpointer, parallel workers, the exited
 * ones included), read from /proc.
 * A difference of two readings is the server's share of the work, which the host's load does
 * not inflate as it does wall-clock time. Undefined where /proc is missing (not Linux).
 *
 * @example const before = postgresCpuMs(server.databaseDir); await query(); postgresCpuMs(server.databaseDir)! - before!
 */
export function postgresCpuMs(databaseDir: string): number | undefined {
  if (!fs.existsSync('/proc/self/stat')) return undefined;
  const postmaster = fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after "(comm)": state, ppid, … utime is the 14th field of the line, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[1] === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    // The postmaster's own time, and (cutime, cstime) that of the children it has reaped: parallel query
    // workers exit within a query, and without this their time would vanish between two readings.
    if (pid === postmaster) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / clockTicksPerSecond();
}

let clockTicks: number | undefined;
function clockTicksPerSecond(): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicks;
}
