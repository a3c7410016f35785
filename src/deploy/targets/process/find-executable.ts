import fs from 'node:fs';
import path from 'node:path';

/**
 * Resolves an engine command the way a shell would (a path, or a name on PATH) and says
 * plainly when it is missing, before anything is spawned.
 *
 * @example findExecutable('llama-server', '/srv', process.env.PATH) // '/usr/local/bin/llama-server' or an Error
 */
export function findExecutable(command: string, cwd: string, searchPath: string | undefined): string {
  if (command.includes('/')) {
    const file = path.resolve(cwd, command);
    if (isExecutable(file)) return file;
    throw new Error(`engine command '${command}' not found or not executable (looked at ${file})`);
  }
  const directories = (searchPath ?? '').split(path.delimiter).filter(Boolean);
  for (const directory of directories) {
    const file = path.join(directory, command);
    if (isExecutable(file)) return file;
  }
  throw new Error(
    `engine command '${command}' not found on PATH (${directories.join(path.delimiter) || 'empty'}); install it or give its full path`,
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
