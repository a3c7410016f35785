import path from 'node:path';
import type { Config } from '../../config.js';
import { pullModel, type PullOptions, type PulledModel } from '../../engine/pull/pull-model.js';
import { HubClient } from '../../library/hub/hub-client.js';
import { parseHubReference } from '../../library/hub/hub-reference.js';
import { pullHubVariant } from '../../library/hub/pull-hub-variant.js';
import { ProgressReporter } from '../progress-reporter.js';
import type { Command } from '../command.js';
import { CliError } from '../cli-error.js';
import { formatBytes, printJson } from '../output.js';

export const pullCommand: Command = {
  name: 'pull',
  summary: 'Download a GGUF model from the Hugging Face hub (a repo variant, or one file) or copy a local file into the data dir',
  usage: 'devup pull hf:OWNER/REPO[@REVISION] [--quant Q4_K_M] | OWNER/REPO/FILE.gguf | PATH.gguf [--sha256 HEX] [--json]',
  options: {
    quant: {
      type: 'string',
      description: 'The variant of an hf: repo to pull (Q4_K_M, Q8_0…; see devup models show); a split set comes whole',
    },
    sha256: { type: 'string', description: 'Expected SHA-256; by default the hub’s LFS checksum is checked when it gives one' },
  },
  async run({ config, values, positionals }) {
    if (positionals.length !== 1) throw new CliError(`give one model to pull\nusage: ${this.usage}`);
    const source = positionals[0];
    const quant = values.quant as string | undefined;
    if (quant !== undefined && !source.startsWith('hf:')) throw new CliError('--quant picks a variant of an hf:OWNER/REPO source');
    const abort = new AbortController();
    const interrupt = () => abort.abort(new CliError('interrupted; run the same command again to resume', 130));
    process.once('SIGINT', interrupt);
    const reporter = new ProgressReporter(process.stderr);
    try {
      const options: PullOptions = {
        modelsDir: path.join(config.dataDir, 'models'),
        hubUrl: config.hubUrl,
        sha256: values.sha256 as string | undefined,
        idleTimeoutMs: config.hubTimeoutMs,
        signal: abort.signal,
        onProgress: (progress) => reporter.update(progress),
        onLog: (message) => process.stderr.write(`${message}\n`),
      };
      const pulled = source.startsWith('hf:') ? await pullFromHub(config, source, quant, options) : await pullModel(source, options);
      reporter.finish();
      if (values.json) return printJson(pulled);
      const { info } = pulled;
      const parts = pulled.files.length > 1 ? `, ${pulled.files.length} parts` : '';
      process.stdout.write(
        [
          `saved ${pulled.path} (${formatBytes(pulled.files.reduce((sum, file) => sum + file.bytes, 0))}${parts})`,
          ...pulled.files.map(
            (file) =>
              `sha256 ${file.sha256}${file.verified ? ' (verified)' : ' (not verified: no checksum given)'}  ${path.basename(file.path)}`,
          ),
          `${info.name}: ${info.architecture}, ${pulled.files.length === 1 ? `${info.parameterCount} parameters, ` : ''}${info.quantization}, context ${info.contextLength ?? '?'}, ${info.layers ?? '?'} layers, vocabulary ${info.vocabularySize ?? '?'}${info.chatTemplate ? '' : ', no chat template'}`,
          `deploy it: devup deploy --target embedded --file ${path.basename(pulled.path)} --name ${path
            .basename(pulled.path, '.gguf')
            .replace(/-00001-of-\d{5}$/, '')
            .toLowerCase()}`,
          '',
        ].join('\n'),
      );
    } catch (error) {
      reporter.finish();
      if (abort.signal.aborted) throw abort.signal.reason;
      throw error;
    } finally {
      process.removeListener('SIGINT', interrupt);
    }
  },
};

/** `hf:OWNER/REPO[@REV]`: the variant's files (every part of a split set), checked against the hub's LFS SHA-256s. */
async function pullFromHub(config: Config, source: string, quant: string | undefined, options: PullOptions): Promise<PulledModel> {
  if (options.sha256) throw new CliError('--sha256 is for single files; hub variants are checked against the hub’s LFS SHA-256s');
  return pullHubVariant(HubClient.fromConfig(config), parseHubReference(source), quant, {
    ...options,
    onVariant: (pinned, variant) =>
      process.stderr.write(`${pinned.repo} ${variant.label}: ${variant.files.map((file) => file.path).join(', ')}\n`),
  });
}
