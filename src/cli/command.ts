import type { Config } from '../config.js';

export interface CommandOption {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
}

/** One `devup` verb (or `devup group verb`), parsed with node:util parseArgs. */
export interface Command {
  /** `serve`, or `models show` for grouped verbs. */
  name: string;
  summary: string;
  usage: string;
  options?: Record<string, CommandOption>;
  run(input: { config: Config; values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }): Promise<void>;
}
