import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { openPrivateForAppend } from '../../../private-files.js';
import { isRunning, type RunInfo } from './run-file.js';

/** One run of an engine process: spawned by us now, or re-attached from an earlier gateway run. */
export interface LaunchedProcess {
  pid: number;
  startedAt: number;
  /** Resolves with a description ("exit code 1", "killed by SIGKILL") once the process is gone. */
  exited: Promise<string>;
  /** Lets the gateway exit without waiting for (or killing) the process. */
  release(): void;
}

export interface LaunchOptions {
  executable: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
}

/** Marks where each launch starts in the log file, so a failure reason quotes only its own output. */
export const launchMarker = '--- devup: starting ';

/**
 * Spawns the engine in its own process group (so stopping it reaches its workers, and a Ctrl-C
 * meant for the gateway does not reach it), writing stdout and stderr to the log file.
 */
export function launchProcess(options: LaunchOptions): LaunchedProcess {
  const descriptor = openPrivateForAppend(options.logFile);
  let child;
  try {
    fs.writeSync(descriptor, `${launchMarker}${[options.executable, ...options.args].join(' ')} at ${new Date().toISOString()} ---\n`);
    child = spawn(options.executable, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', descriptor, descriptor],
      detached: true,
    });
  } finally {
    fs.closeSync(descriptor);
  }
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  return { pid: child.pid ?? -1, startedAt: Date.now(), exited, release: () => child.unref() };
}

/** Follows a process we did not spawn (re-attached after a gateway restart) by polling its pid. */
export function attachProcess(info: RunInfo, pollMs = 500): LaunchedProcess {
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<string>((resolve) => {
    timer = setInterval(() => {
      if (isRunning(info)) return;
      clearInterval(timer);
      resolve('exited (re-attached process; exit status unknown)');
    }, pollMs);
  });
  return { pid: info.pid, startedAt: info.startedAt, exited, release: () => clearInterval(timer) };
}

/** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it is gone. */
export async function terminate(process_: LaunchedProcess, graceMs: number): Promise<void> {
  signalGroup(process_.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(process_.pid, 'SIGKILL'), graceMs);
  try {
    await process_.exited;
  } finally {
    clearTimeout(timer);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}
