import type { DeploymentView } from '../../deploy/deployment-view.js';
import { ApiClient } from '../api-client.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { ProgressReporter } from '../progress-reporter.js';
import { prepareHubDeployment } from './deploy-hub-model.js';
import { kubernetesDeployOptions } from './deploy-kubernetes.js';
import {
  assertNoProblems,
  integer,
  localDeployers,
  secretFromEnvironment,
  targetSpecFromFlags,
  type TargetRequest,
} from './deploy-target-flags.js';
import { formatDeployment, formatEvent, type EventView } from './deployment-format.js';

const usage =
  'devup deploy [MODEL|hf:OWNER/REPO[@REV]] --target endpoint|anthropic|process|embedded|kubernetes [--name ALIAS] [--url URL] [--upstream-model NAME] [--api-key-env VAR] [--header K:V]… [--command CMD] [--port N] [--file PATH.gguf] [--quant Q4_K_M] [--context N] [--out DIR] [--weight N] [--fallback NAME]… [--detach] [--json]';

/** `devup deploy`: creates a deployment through the running gateway and follows it until it serves (or fails). */
export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Deploy a model: connect an endpoint or Anthropic, run an engine process, load a GGUF',
  usage,
  options: {
    target: { type: 'string', description: 'endpoint, anthropic, process, embedded or kubernetes' },
    name: { type: 'string', description: 'The name clients send as `model` (default: MODEL)' },
    url: { type: 'string', description: 'endpoint/anthropic: base URL, e.g. http://127.0.0.1:8000/v1' },
    'upstream-model': { type: 'string', description: 'The model name the upstream expects' },
    'api-key-env': { type: 'string', description: 'Environment variable holding the upstream API key (sent once, stored encrypted)' },
    header: { type: 'string', multiple: true, description: 'Extra upstream header NAME:VALUE (repeatable)' },
    command: { type: 'string', description: 'process: the engine command line; {port} is replaced by the port' },
    port: { type: 'string', description: 'process: the port the engine listens on (default: a free one)' },
    'health-path': { type: 'string', description: 'process: health path (default /health, then /v1/models)' },
    file: { type: 'string', description: 'embedded: the GGUF file' },
    quant: { type: 'string', description: 'embedded, with hf:OWNER/REPO: the GGUF variant the gateway pulls (Q4_K_M, Q8_0…)' },
    weight: { type: 'string', description: 'Target weight for balancing (default 1)' },
    fallback: { type: 'string', multiple: true, description: 'Backup deployment tried when every target fails (repeatable)' },
    out: { type: 'string', description: 'kubernetes: write the manifests to DIR instead of applying them' },
    ...kubernetesDeployOptions,
    detach: { type: 'boolean', description: 'Return at once instead of waiting until it is ready' },
  },
  async run({ config, values, positionals }) {
    const client = ApiClient.fromConfig(config, values.server as string | undefined);
    const hub = positionals[0]?.startsWith('hf:') ? await prepareHubDeployment(client, positionals[0], values) : undefined;
    const model = hub?.model.id ?? positionals[0];
    const kind = values.target as string | undefined;
    const name = (values.name as string | undefined) ?? hub?.name ?? model;
    const problems: string[] = [];
    if (!kind) problems.push('--target is required');
    if (!name) problems.push('give MODEL or --name');
    const architecture = hub?.model.spec ?? undefined;
    if (kind && name && localDeployers[kind] && (await localDeployers[kind]({ model, name, flags: values, architecture }))) return;
    if (values.out !== undefined) problems.push(`--out is not supported for --target ${kind ?? '?'}`);
    const specFromFlags = kind ? targetSpecFromFlags[kind] : undefined;
    if (kind && !specFromFlags) problems.push(`--target ${kind} is not available (known: ${Object.keys(targetSpecFromFlags).join(', ')})`);
    const target: TargetRequest = { kind: kind ?? '', spec: hub?.spec ?? specFromFlags?.(values, problems) ?? {} };
    if (values.weight !== undefined) target.weight = integer(values, 'weight', problems);
    // The key is user input named on the command line, read here (CLI side) and sent once.
    target.secret = secretFromEnvironment(values, process.env, problems);
    assertNoProblems(problems, usage);

    const body = { name, ...(model ? { model } : {}), targets: [target], fallbacks: (values.fallback as string[] | undefined) ?? [] };
    let deployment = await client.request<DeploymentView>('POST', '/api/deployments', body);
    if (!values.detach) deployment = await follow(client, deployment.name, !values.json);
    if (values.json) {
      printJson(deployment);
    } else {
      process.stdout.write(formatDeployment(deployment, []));
      if (deployment.state === 'ready' || deployment.state === 'degraded') {
        process.stdout.write(`\nServing as model "${deployment.name}" at ${client.baseUrl}/v1\n`);
      }
    }
    if (deployment.state === 'failed') process.exitCode = 1;
  },
};

const settled = new Set(['ready', 'degraded', 'failed', 'stopped']);

/** Polls until the deployment settles, printing its events as they come and a download's progress bar (stderr) when `print`. */
async function follow(client: ApiClient, name: string, print: boolean): Promise<DeploymentView> {
  const path = `/api/deployments/${encodeURIComponent(name)}`;
  let shown = 0;
  let reporter: ProgressReporter | undefined;
  for (;;) {
    const deployment = await client.request<DeploymentView>('GET', path);
    if (print) {
      const progress = deployment.targets.find((target) => target.progress)?.progress;
      if (progress) {
        reporter ??= new ProgressReporter(process.stderr);
        reporter.update({ receivedBytes: progress.receivedBytes, totalBytes: progress.totalBytes ?? undefined });
      }
      if (reporter && !progress) {
        reporter.finish();
        reporter = undefined;
      }
      const { data } = await client.request<{ data: EventView[] }>('GET', `${path}/events?limit=1000`);
      if (data.length > shown) reporter?.clear();
      for (const event of data.slice(shown)) process.stdout.write(`${formatEvent(event)}\n`);
      shown = data.length;
    }
    if (settled.has(deployment.state)) return deployment;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
