import fs from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli-error.js';
import { commandLineWords } from './command-line-words.js';
import { deployKubernetesToDirectory, kubernetesSpecFromFlags } from './deploy-kubernetes.js';

export type DeployFlags = Record<string, string | boolean | string[] | undefined>;

/** A target as `POST /api/deployments` takes it (the secret travels once, never printed). */
export interface TargetRequest {
  kind: string;
  weight?: number;
  spec: Record<string, unknown>;
  secret?: string;
}

/**
 * How `devup deploy` flags become each kind's spec. A new kind adds one entry; the gateway
 * validates the spec fully and lists every bad field.
 */
export const targetSpecFromFlags: Record<string, (flags: DeployFlags, problems: string[]) => Record<string, unknown>> = {
  endpoint: (flags, problems) => ({ url: required(flags, 'url', problems), ...httpFields(flags, problems) }),
  anthropic: (flags, problems) => ({ ...(flags.url ? { url: flags.url } : {}), ...httpFields(flags, problems) }),
  process: (flags, problems) => {
    const words = commandLineWords(required(flags, 'command', problems) ?? '');
    return {
      command: words[0],
      args: words.slice(1),
      ...(flags.port === undefined ? {} : { port: integer(flags, 'port', problems) }),
      ...(flags['health-path'] ? { healthPath: flags['health-path'] } : {}),
      ...(flags['upstream-model'] ? { upstreamModel: flags['upstream-model'] } : {}),
    };
  },
  // A path that exists here is sent absolute; anything else is a name in the gateway's <dataDir>/models/.
  embedded: (flags, problems) => ({
    file: localFileOrName(required(flags, 'file', problems)),
    ...(flags.context === undefined ? {} : { contextSize: integer(flags, 'context', problems) }),
  }),
  kubernetes: kubernetesSpecFromFlags,
};

/**
 * Kinds whose `devup deploy` runs on the CLI side instead of through the gateway, e.g.
 * `--target kubernetes --out DIR` writing manifests. Returns true when it handled the deploy.
 */
export type LocalDeployer = (input: {
  model: string | undefined;
  name: string;
  flags: DeployFlags;
  /** The model's architecture as the gateway's library holds it (an imported hub repo's config.json), when known. */
  architecture?: Record<string, unknown>;
}) => Promise<boolean>;
export const localDeployers: Record<string, LocalDeployer> = { kubernetes: deployKubernetesToDirectory };

function httpFields(flags: DeployFlags, problems: string[]): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const header of (flags.header as string[] | undefined) ?? []) {
    const separator = header.indexOf(':');
    if (separator <= 0) problems.push(`--header '${header}' must be NAME:VALUE`);
    else headers[header.slice(0, separator).trim()] = header.slice(separator + 1).trim();
  }
  return {
    ...(flags['upstream-model'] ? { upstreamModel: flags['upstream-model'] } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  };
}

function required(flags: DeployFlags, name: string, problems: string[]): string | undefined {
  const value = flags[name];
  if (typeof value === 'string' && value !== '') return value;
  problems.push(`--${name} is required for --target ${flags.target}`);
  return undefined;
}

export function integer(flags: DeployFlags, name: string, problems: string[]): number | undefined {
  const value = Number(flags[name]);
  if (Number.isInteger(value)) return value;
  problems.push(`--${name} must be an integer`);
  return undefined;
}

/** Reads the API key from the environment variable the user named (never from a flag, so it stays out of shell history). */
export function secretFromEnvironment(flags: DeployFlags, environment: NodeJS.ProcessEnv, problems: string[]): string | undefined {
  const variable = flags['api-key-env'];
  if (typeof variable !== 'string') return undefined;
  const value = environment[variable];
  if (!value) problems.push(`--api-key-env: the environment variable ${variable} is not set`);
  return value || undefined;
}

export function assertNoProblems(problems: string[], usage: string): void {
  if (problems.length > 0) throw new CliError(`${problems.join('\n')}\nusage: ${usage}`);
}

function localFileOrName(file: string | undefined): string | undefined {
  return file !== undefined && fs.existsSync(file) ? path.resolve(file) : file;
}
