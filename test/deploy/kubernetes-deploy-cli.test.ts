import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deployCommand } from '../../src/cli/commands/deploy.js';
import { loadConfig } from '../../src/config.js';
import { schemaErrors } from './kubernetes-support.js';

const temporaryDirs: string[] = [];
afterEach(() => {
  for (const directory of temporaryDirs.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

async function runDeploy(values: Record<string, string | boolean>, positionals: string[]): Promise<string> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await deployCommand.run({ config: loadConfig({ DEVUP_DATA_DIR: path.join(os.tmpdir(), 'devup-unused') }), values, positionals });
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}

describe('devup deploy --target kubernetes --out DIR', () => {
  it('writes valid multi-node manifests for deepseek-v3 without a gateway', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-deploy-k8s-'));
    temporaryDirs.push(out);
    const printed = await runDeploy({ target: 'kubernetes', out, gpu: 'h100', dtype: 'fp8', engine: 'sglang', namespace: 'llm' }, [
      'deepseek-v3',
    ]);
    expect(printed).toContain('16 × h100 (2 nodes × 8), sglang, fp8');
    expect(printed).toContain(`kubectl apply -f ${out}`);
    const files = fs.readdirSync(out).sort();
    expect(files).toEqual(['01-leaderworkerset.yaml', '02-service.yaml']);
    const manifests = files.map((file) => YAML.parse(fs.readFileSync(path.join(out, file), 'utf8')));
    for (const manifest of manifests) expect(schemaErrors(manifest)).toEqual([]);
    expect(manifests[0]).toMatchObject({
      kind: 'LeaderWorkerSet',
      metadata: { name: 'deepseek-v3', namespace: 'llm' },
      spec: { leaderWorkerTemplate: { size: 2 } },
    });
    const args: string[] = manifests[0].spec.leaderWorkerTemplate.workerTemplate.spec.containers[0].args;
    expect(args.join(' ')).toContain('--nnodes $(LWS_GROUP_SIZE) --node-rank $(LWS_WORKER_INDEX)');
  });

  it('names objects after the deployment name, made DNS-safe, and prints JSON with --json', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-deploy-k8s-'));
    temporaryDirs.push(out);
    const printed = await runDeploy({ target: 'kubernetes', out, gpu: 'h200', name: 'DeepSeek_V3.Prod', json: true }, ['deepseek-v3']);
    expect(JSON.parse(printed)).toMatchObject({ gpuCount: 8, nodes: 1, engine: 'vllm' });
    const deployment = YAML.parse(fs.readFileSync(path.join(out, '02-deployment.yaml'), 'utf8'));
    expect(deployment.metadata.name).toBe('deepseek-v3-prod');
    expect(deployment.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(['--served-model-name', 'DeepSeek_V3.Prod']));
    expect(schemaErrors(deployment)).toEqual([]);
  });
});

describe('devup deploy --target kubernetes without --out', () => {
  it('sends a spec the gateway’s kubernetes target accepts, and asks for a kubeconfig', async () => {
    const { kubernetesSpecFromFlags } = await import('../../src/cli/commands/deploy-kubernetes.js');
    const { kubernetesTarget } = await import('../../src/deploy/targets/kubernetes-target.js');
    const problems: string[] = [];
    const spec = kubernetesSpecFromFlags(
      { kubeconfig: '/etc/devup/kubeconfig', gpu: 'h200', dtype: 'fp8', context: '8192', 'storage-class': 'nvme' },
      problems,
    );
    expect(problems).toEqual([]);
    expect(kubernetesTarget.parseSpec(spec)).toMatchObject({
      kubeconfig: '/etc/devup/kubeconfig',
      gpu: 'h200',
      dtype: 'fp8',
      context: 8192,
      storageClass: 'nvme',
      namespace: 'default',
    });
    kubernetesSpecFromFlags({ gpu: 'h200' }, problems);
    expect(problems).toEqual(['--kubeconfig is required for --target kubernetes without --out']);
  });
});
