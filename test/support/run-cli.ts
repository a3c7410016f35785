import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs `devup ARGS` in this process, with `env` added to the environment, and returns what it
 * printed and its exit code; `onStderr` hears stderr as it is written (a progress bar mid-run).
 */
export async function runCli(args: string[], env: Record<string, string> = {}, onStderr?: (text: string) => void): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), onStderr?.(String(chunk)), true));
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  process.exitCode = undefined;
  try {
    await main(args);
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
}
