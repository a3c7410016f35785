import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { DevupError } from '../errors.js';
import { CliError } from './cli-error.js';
import type { Command, CommandOption } from './command.js';
import { keysCreateCommand } from './commands/keys-create.js';
import { keysListCommand } from './commands/keys-list.js';
import { keysRevokeCommand } from './commands/keys-revoke.js';
import { planCommand } from './commands/plan.js';
import { pullCommand } from './commands/pull.js';
import { modelsCompareCommand } from './commands/models-compare.js';
import { modelsExportCommand } from './commands/models-export.js';
import { modelsImportCommand } from './commands/models-import.js';
import { modelsListCommand } from './commands/models-list.js';
import { modelsSearchCommand } from './commands/models-search.js';
import { modelsShowCommand } from './commands/models-show.js';
import { serveCommand } from './commands/serve.js';
import { deployCommand } from './commands/deploy.js';
import { deploymentsDeleteCommand, deploymentsStartCommand, deploymentsStopCommand } from './commands/deployments-control.js';
import { deploymentsListCommand } from './commands/deployments-list.js';
import { deploymentsLogsCommand } from './commands/deployments-logs.js';
import { deploymentsShowCommand } from './commands/deployments-show.js';
import { usageCommand } from './commands/usage.js';

/** Every verb; grouped verbs are named "group verb". */
const commands: Command[] = [
  serveCommand,
  modelsListCommand,
  modelsSearchCommand,
  modelsShowCommand,
  modelsCompareCommand,
  modelsImportCommand,
  modelsExportCommand,
  keysCreateCommand,
  keysListCommand,
  keysRevokeCommand,
  usageCommand,
  planCommand,
  pullCommand,
  deployCommand,
  deploymentsListCommand,
  deploymentsShowCommand,
  deploymentsLogsCommand,
  deploymentsStopCommand,
  deploymentsStartCommand,
  deploymentsDeleteCommand,
];

const globalOptions: Record<string, CommandOption> = {
  'data-dir': { type: 'string', description: 'Data directory (DEVUP_DATA_DIR, default ~/.devup)' },
  server: { type: 'string', description: 'Gateway URL for verbs that change it (DEVUP_SERVER, default http://127.0.0.1:8080)' },
  json: { type: 'boolean', description: 'Print JSON for machines' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

export async function main(argv: string[]): Promise<void> {
  try {
    await run(argv);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

async function run(argv: string[]): Promise<void> {
  const command = findCommand(argv);
  if (!command) {
    process.stdout.write(helpText());
    if (argv.length > 0 && argv[0] !== '--help' && argv[0] !== '-h' && argv[0] !== 'help') {
      throw new CliError(`unknown command: ${argv.slice(0, 2).join(' ')}`);
    }
    return;
  }
  const rest = argv.slice(command.name.split(' ').length);
  const options = { ...globalOptions, ...command.options };
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: Object.fromEntries(
        Object.entries(options).map(([name, option]) => [
          name,
          { type: option.type, multiple: option.multiple ?? false, ...(option.short ? { short: option.short } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nusage: ${command.usage}`);
  }
  if (parsed.values.help) {
    process.stdout.write(commandHelp(command));
    return;
  }
  const config = loadConfig(process.env, { dataDir: parsed.values['data-dir'] as string | undefined });
  await command.run({
    config,
    values: parsed.values as Record<string, string | boolean | string[] | undefined>,
    positionals: parsed.positionals,
  });
}

function findCommand(argv: string[]): Command | undefined {
  const two = argv.slice(0, 2).join(' ');
  return commands.find((command) => command.name === two) ?? commands.find((command) => command.name === argv[0]);
}

function helpText(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'devup: the DevUp Gateway command',
    '',
    'Usage: devup <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Global options: --data-dir DIR, --server URL, --json, --help',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const options = { ...command.options, ...globalOptions };
  const width = Math.max(...Object.keys(options).map((name) => name.length));
  return [
    `${command.summary}`,
    '',
    `Usage: ${command.usage}`,
    '',
    'Options:',
    ...Object.entries(options).map(([name, option]) => `  --${name.padEnd(width)}  ${option.description}`),
    '',
  ].join('\n');
}

function reportError(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`devup: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof ConfigError || error instanceof DevupError) {
    process.stderr.write(`devup: ${error.message}\n`);
    return 2;
  }
  process.stderr.write(`devup: ${(error as Error).stack ?? String(error)}\n`);
  return 1;
}
