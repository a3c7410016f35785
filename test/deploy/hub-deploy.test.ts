import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContextLength } from '../support/gguf-variants.js';
import { hubRepos, stories, storiesQ8Parts } from '../support/hub-repos.js';
import { runCli } from '../support/run-cli.js';
import { adminKey, startApp, type TestApp } from '../support/start-app.js';
import { downloadGate, startHubPeer, type HubPeer } from '../support/upstreams/hub-peer.js';

interface View {
  state: string;
  reason: string | null;
  model: string | null;
  targets: Array<{ status: string; spec: Record<string, unknown>; progress: Record<string, unknown> | null }>;
}

/** Deploying a hub variant: the gateway pulls it as the deployment starts (progress on the deployment), then serves it. */
describe('deploy from the hub: devup deploy hf:REPO --quant and the embedded target’s source', () => {
  let hub: HubPeer;
  let server: TestApp;
  const f32Gate = downloadGate();
  const q8Gate = downloadGate();
  const q8Total = storiesQ8Parts.reduce((sum, part) => sum + part.length, 0);
  const cli = (args: string[], onStderr?: (text: string) => void) =>
    runCli(
      [...args, '--server', server.url, '--data-dir', server.dataDir],
      { DEVUP_HUB_URL: hub.url, DEVUP_ADMIN_KEY: adminKey },
      onStderr,
    );
  const view = async (name: string) => (await (await server.admin('GET', `/api/deployments/${name}`)).json()) as View;
  const events = async (name: string) =>
    (
      (await (await server.admin('GET', `/api/deployments/${name}/events?limit=1000`)).json()) as { data: Array<{ message: string }> }
    ).data.map((event) => event.message);
  const until = async (name: string, done: (deployment: View) => boolean) => {
    for (const deadline = Date.now() + 45_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const deployment = await view(name);
      if (done(deployment)) return deployment;
    }
    throw new Error(`${name}: ${JSON.stringify(await view(name))}`);
  };
  const embedded = (name: string, spec: Record<string, unknown>) =>
    server.admin('POST', '/api/deployments', { name, targets: [{ kind: 'embedded', spec }] });

  beforeAll(async () => {
    const repos = hubRepos();
    const files = repos['ggml-org/stories260K-GGUF'].files;
    files['stories260K-F32.gguf'].pauseFirst = { bytes: 400_000, until: f32Gate.until };
    files['stories260K-Q8_0-00001-of-00002.gguf'].pauseFirst = { bytes: 100_000, until: q8Gate.until };
    repos['someone/stories260K-8K-GGUF'] = { files: { 'stories260K-8K-F32.gguf': { bytes: withContextLength(stories, 8192) } } };
    hub = await startHubPeer({ repos });
    // A download silent this long counts as dropped (and is resumed without the pause): a test that waits in vain fails, never hangs.
    server = await startApp({ config: { hubUrl: hub.url, hubTimeoutMs: 20_000 } });
  });

  afterAll(async () => {
    f32Gate.open();
    q8Gate.open();
    for (const deployment of server?.services.deploymentManager.describeAll() ?? [])
      await server.services.deploymentManager.delete(deployment.name);
    await server?.stop();
    await hub?.close();
  });

  it('as a new user: models import, deploy hf: --quant with a progress bar, then the openai SDK streams from it', async () => {
    const imported = await cli(['models', 'import', 'hf:ggml-org/stories260K-GGUF']);
    expect(imported.stderr + imported.stdout).toMatch(/^imported stories260k-gguf from ggml-org\/stories260K-GGUF@main/);

    let stderr = '';
    // The hub holds the file after 400 kB until the CLI has drawn the pull's progress.
    const deployed = await cli(['deploy', 'hf:ggml-org/stories260K-GGUF', '--quant', 'F32', '--target', 'embedded'], (text) => {
      stderr += text;
      if (/\d+%\s+[\d.]+ [KM]B \/ 1\.2 MB/.test(stderr)) f32Gate.open();
    });
    expect(deployed.stderr).toMatch(/^stories260k-gguf: in the library\n/);
    expect(deployed.stderr).toMatch(/\d+%\s+[\d.]+ KB \/ 1\.2 MB\s+.*\/s/);
    expect(deployed.stdout).toMatch(
      /embedded#1: pulling F32 of ggml-org\/stories260K-GGUF@[0-9a-f]{40}: 1185376 bytes in stories260K-F32\.gguf/,
    );
    expect(deployed.stdout).toMatch(/pulled 1185376 bytes in [\d.]+ s \(\d+ bytes\/s\), SHA-256 verified: stories260K-F32\.gguf/);
    expect(deployed.stdout).toMatch(/context 2048 tokens per sequence: the trained length/);
    expect(deployed.stdout).toMatch(/4 sequences × 2048 tokens/);
    expect(deployed.stdout).toMatch(/^stories260k-gguf-f32: ready\n {2}model: stories260k-gguf$/m);
    expect(deployed.stdout).toMatch(/Serving as model "stories260k-gguf-f32" at http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(deployed.exitCode).toBe(0);

    const client = server.client((await server.createKey()).key);
    const stream = await client.chat.completions.create({
      model: 'stories260k-gguf-f32',
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 16,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content ?? '';
      text += delta;
      if (delta) chunks++;
      usage ??= chunk.usage ?? undefined;
    }
    expect(chunks).toBeGreaterThan(1);
    expect(text).toMatch(/\w{3,}/);
    expect(usage).toMatchObject({ completion_tokens: 16 });
  }, 60_000);

  it('shows the pull on the deployment while it runs: state provisioning, bytes of the whole split set, then ready', async () => {
    const created = await server.admin('POST', '/api/deployments', {
      name: 'stories-q8',
      model: 'stories260k-gguf',
      targets: [{ kind: 'embedded', spec: { source: 'hf:ggml-org/stories260K-GGUF', quant: 'q8_0', contextSize: 1024 } }],
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as View).targets[0].spec).toEqual(
      expect.objectContaining({ source: 'hf:ggml-org/stories260K-GGUF@main', quant: 'q8_0', contextSize: 1024 }),
    );
    // The hub holds the first part after 100,000 bytes: the deployment shows exactly those (sent when the interval is over).
    const pulling = await until('stories-q8', (deployment) => deployment.targets[0].progress?.receivedBytes === 100_000);
    expect(pulling).toMatchObject({
      state: 'provisioning',
      targets: [
        {
          status: 'starting',
          progress: {
            phase: 'pulling',
            label: 'hf:ggml-org/stories260K-GGUF@main Q8_0 (2 files)',
            receivedBytes: 100_000,
            totalBytes: q8Total,
            bytesPerSecond: expect.any(Number),
          },
        },
      ],
    });
    q8Gate.open();
    const ready = await until('stories-q8', (deployment) => deployment.state === 'ready' || deployment.state === 'failed');
    expect(ready).toMatchObject({ state: 'ready', model: 'stories260k-gguf', targets: [{ status: 'up', progress: null }] });
    const log = await events('stories-q8');
    expect(log).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^embedded#1: pulling Q8_0 of ggml-org/stories260K-GGUF@${hub.commitOf('ggml-org/stories260K-GGUF')}: ${q8Total} bytes in stories260K-Q8_0-00001-of-00002\\.gguf, stories260K-Q8_0-00002-of-00002\\.gguf$`,
        ),
      ),
    );
    expect(log).toContainEqual(
      expect.stringMatching(
        /pulled \d+ bytes .* SHA-256 verified: stories260K-Q8_0-00001-of-00002\.gguf, stories260K-Q8_0-00002-of-00002\.gguf$/,
      ),
    );
    // The context asked for, not a default.
    expect(log).toContainEqual(expect.stringMatching(/loading stories260K-Q8_0-00001-of-00002\.gguf .* 4 sequences × 1024 tokens/));
    expect(log.some((message) => message.includes('tokens per sequence: '))).toBe(false);

    const client = server.client((await server.createKey()).key);
    const completion = await client.completions.create({ model: 'stories-q8', prompt: 'Once upon a time', max_tokens: 8, temperature: 0 });
    expect(completion.usage?.completion_tokens).toBe(8);
  }, 60_000);

  it('loads a variant pulled before without downloading it again (a second deployment, a restart with the hub gone)', async () => {
    const before = hub.requests.length;
    expect((await embedded('stories-q8-again', { source: 'hf:ggml-org/stories260K-GGUF', quant: 'Q8_0' })).status).toBe(201);
    const again = await until('stories-q8-again', (deployment) => deployment.state === 'ready' || deployment.state === 'failed');
    expect(again.state).toBe('ready');
    // The create asked the hub whether the variant exists; nothing was downloaded.
    expect(hub.requests.slice(before).filter((request) => request.cdn || request.url.includes('/resolve/'))).toEqual([]);
    expect(await events('stories-q8-again')).toContainEqual(
      expect.stringMatching(/Q8_0 of ggml-org\/stories260K-GGUF@[0-9a-f]{40} is in models\/ from an earlier pull/),
    );
  }, 60_000);

  it('refuses before recording anything: an unknown variant, a repo without GGUF, a context beyond the trained length', async () => {
    const unknown = await embedded('nope-1', { source: 'hf:ggml-org/stories260K-GGUF', quant: 'Q5_K_M' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
      /ggml-org\/stories260K-GGUF@main has no Q5_K_M variant; it has: Q8_0 \(2 parts, \d+ bytes\), F32 \(1185376 bytes\)/,
    );
    const refusals = [
      [{ source: 'hf:Qwen/Qwen2.5-72B-Instruct' }, 'body.targets.0.spec.source', /has no GGUF files to pull/],
      [
        { source: 'hf:ggml-org/stories260K-GGUF', quant: 'F32', contextSize: 4096 },
        'body.targets.0.spec.contextSize',
        /contextSize 4096 is beyond .*trained context of 2048 tokens/,
      ],
      [{ file: 'stories260K-F32.gguf', contextSize: 2049 }, 'body.targets.0.spec.contextSize', /contextSize 2049 is beyond .*2048 tokens/],
      [
        { file: 'stories260K-F32.gguf', source: 'hf:ggml-org/stories260K-GGUF' },
        'body.targets.0.spec.file',
        /give either file .* or source/,
      ],
      [{ source: 'ggml-org' }, 'body.targets.0.spec.source', /is not a hub repository/],
    ] as const;
    for (const [index, [spec, field, message]] of refusals.entries()) {
      const response = await embedded(`nope-${index + 2}`, spec);
      expect(response.status, field).toBe(400);
      const { error } = (await response.json()) as { error: { details: Array<{ path: string; message: string }> } };
      expect(error.details).toEqual([{ path: field, message: expect.stringMatching(message) }]);
    }
    const names = server.services.deploymentManager.describeAll().map((deployment) => deployment.name);
    expect(names.filter((name) => name.startsWith('nope'))).toEqual([]);
  });

  it('serves the context asked for beyond 2,048 tokens, up to the trained length, and by default what fits', async () => {
    expect((await embedded('long', { source: 'hf:someone/stories260K-8K-GGUF' })).status).toBe(201);
    expect(
      (
        await until(
          'long',
          (deployment) => deployment.state !== 'provisioning' && deployment.state !== 'pending' && deployment.state !== 'loading',
        )
      ).state,
    ).toBe('ready');
    // 640 bytes of KV per token × 4 sequences × 8,192 tokens is 21 MB: this host holds the trained length.
    expect(await events('long')).toContainEqual(
      expect.stringMatching(/context 8192 tokens per sequence: the trained length; KV cache 640 bytes per token × 4 sequence\(s\)/),
    );
    // Just over the old 2,048 cap: llama.cpp evaluates long prompts slowly on a loaded 2-core host (2,041 tokens: 8 s).
    const client = server.client((await server.createKey()).key, { timeout: 90_000 });
    const prompt = 'Once upon a time there was a little girl. '.repeat(172);
    const completion = await client.completions.create({ model: 'long', prompt, max_tokens: 4, temperature: 0 });
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(2048);
    expect(completion.usage!.completion_tokens).toBe(4);

    const tooLong = await embedded('too-long', { source: 'hf:someone/stories260K-8K-GGUF', contextSize: 16_384 });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toMatch(/contextSize 16384 is beyond .*trained context of 8192 tokens/);
  }, 150_000);

  it('plans a safetensors repo for vLLM: the launch command as a managed process, or Kubernetes manifests', async () => {
    // No vLLM on this host: the gateway refuses the process the plan asked for, naming the command.
    const processDeploy = await cli(['deploy', 'hf:Qwen/Qwen2.5-72B-Instruct', '--target', 'process', '--gpu', 'h200', '--dtype', 'bf16']);
    expect(processDeploy.stderr).toMatch(/^qwen2\.5-72b-instruct: imported from Qwen\/Qwen2\.5-72B-Instruct@main\n/);
    expect(processDeploy.stdout).toMatch(/layout {7}2 × h200 = 1 node × 2 GPUs · TP 2 · vllm\n/);
    expect(processDeploy.stdout).toMatch(
      /Launch \(vllm.*\n {2}vllm serve Qwen\/Qwen2\.5-72B-Instruct .*--port 8000 --tensor-parallel-size 2/,
    );
    expect(processDeploy.stderr).toMatch(
      /400 invalid_request: .*\n {2}- body\.targets\.0\.spec\.command: engine command 'vllm' not found on PATH/,
    );
    const out = path.join(server.dataDir, 'k8s');
    const manifests = await cli([
      'deploy',
      'hf:Qwen/Qwen2.5-72B-Instruct',
      '--target',
      'kubernetes',
      '--out',
      out,
      '--gpu',
      'h200',
      '--dtype',
      'bf16',
    ]);
    expect(manifests.stderr).toMatch(/^qwen2\.5-72b-instruct: in the library\n/);
    expect(manifests.stdout).toMatch(/^qwen2\.5-72b-instruct: 2 × h200 \(1 node × 2\), vllm, bf16\n/);
    expect(fs.readFileSync(path.join(out, '02-deployment.yaml'), 'utf8')).toMatch(/- Qwen\/Qwen2\.5-72B-Instruct\n/);
  });

  it('starts a pulled deployment again with the hub gone', async () => {
    expect((await server.admin('POST', '/api/deployments/stories-q8/stop')).status).toBe(200);
    await hub.close();
    expect((await server.admin('POST', '/api/deployments/stories-q8/start')).status).toBe(200);
    const restarted = await until('stories-q8', (deployment) => deployment.state === 'ready' || deployment.state === 'failed');
    expect(restarted.state).toBe('ready');
  }, 60_000);
});
