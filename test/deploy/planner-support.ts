import fs from 'node:fs';
import path from 'node:path';
import { readArchitecture } from '../../src/deploy/planner/read-architecture.js';

import { referenceDir } from '../support/fixtures.js';

export { referenceDir };

export function referenceJson(relativePath: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(referenceDir, relativePath), 'utf8'));
}

export function referenceArchitecture(relativePath: string) {
  return readArchitecture(referenceJson(relativePath), relativePath);
}

export const gigabyte = 1e9;
export const gibibyte = 1024 ** 3;
