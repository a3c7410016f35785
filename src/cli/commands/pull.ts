import path from 'node:path';
import { pullModel } from '../../engine/pull/pull-model.js';
import { ProgressReporter } from '../progress-reporter.js';
import type { Command } from '../command.js';
import { CliError } from '../cli-error.js';
import { formatBytes, printJson } from '../output.js';

export const pullCommand: Command = {
  name: 'pull',
  summary: 'Download a GGUF model from the Hugging Face hub (or copy a local file) into the data dir',
  usage: 'devup pull OWNER/REPO/FILE.gguf | PATH.gguf [--sha256 HEX] [--json]',
  options: {
    sha256: { type: 'string', description: 'Expected SHA-256; by default the hub’s LFS checksum is checked when it gives one' },
  },
  async run({ config, values, positionals }) {
    if (positionals.length !== 1) throw new CliError(`give one model to pull\nusage: ${this.usage}`);
    const abort = new AbortController();
    const interrupt = () => abort.abort(new CliError('interrupted; run the same command again to resume', 130));
    process.once('SIGINT', interrupt);
    const reporter = new ProgressReporter(process.stderr);
    try {
      const pulled = await pullModel(positionals[0], {
        modelsDir: path.join(config.dataDir, 'models'),
        hubUrl: config.hubUrl,
        sha256: values.sha256 as string | undefined,
        signal: abort.signal,
        onProgress: (progress) => reporter.update(progress),
        onLog: (message) => process.stderr.write(`${message}\n`),
      });
      reporter.finish();
      if (values.json) return printJson(pulled);
      const { info } = pulled;
      process.stdout.write(
        [
          `saved ${pulled.path} (${formatBytes(pulled.bytes)})`,
          `sha256 ${pulled.sha256}${pulled.verified ? ' (verified)' : ' (not verified: no checksum given)'}`,
          `${info.name}: ${info.architecture}, ${info.parameterCount} parameters, ${info.quantization}, context ${info.contextLength ?? '?'}, ${info.layers ?? '?'} layers, vocabulary ${info.vocabularySize ?? '?'}${info.chatTemplate ? '' : ', no chat template'}`,
          `deploy it: devup deploy --target embedded --file ${path.basename(pulled.path)} --name ${path.basename(pulled.path, '.gguf').toLowerCase()}`,
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
