import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubRepos, sha256, stories, storiesQ8Parts } from '../support/hub-repos.js';
import { runCli } from '../support/run-cli.js';
import { adminKey, startApp, type TestApp } from '../support/start-app.js';
import { startHubPeer, type HubPeer } from '../support/upstreams/hub-peer.js';

const token = 'hf_pull_test_token';

/** `devup pull hf:OWNER/REPO --quant Q`: the variant's files from the hub test peer, resumed, checked, then served as a set. */
describe('devup pull hf:REPO --quant', () => {
  let hub: HubPeer;
  let server: TestApp;
  /** The CLI as a user's shell runs it: the hub from DEVUP_HUB_URL (HF_TOKEN when given), the server's data dir. */
  const cli = (env: Record<string, string>, args: string[]) =>
    runCli([...args, '--server', server.url, '--data-dir', server.dataDir], { DEVUP_HUB_URL: hub.url, DEVUP_ADMIN_KEY: adminKey, ...env });
  const devup = (...args: string[]) => cli({}, args);
  const withToken = (...args: string[]) => cli({ HF_TOKEN: token }, args);
  const modelsDir = () => path.join(server.dataDir, 'models');

  beforeAll(async () => {
    const repos = hubRepos();
    // The first part's first download drops after 100 kB.
    repos['ggml-org/stories260K-GGUF'].files['stories260K-Q8_0-00001-of-00002.gguf'].interruptFirstAfter = 100_000;
    repos['someone/gated-stories-GGUF'] = { files: { 'stories260K-F32.gguf': { bytes: stories } }, gated: true };
    hub = await startHubPeer({ repos, token });
    server = await startApp({ config: { hubUrl: hub.url } });
  });

  afterAll(async () => {
    for (const deployment of server?.services.deploymentManager.describeAll() ?? [])
      await server.services.deploymentManager.delete(deployment.name);
    await server?.stop();
    await hub?.close();
  });

  it('pulls a split Q8_0 set, resuming the dropped part, checking each SHA-256, and the set serves from its first part', async () => {
    const pulled = await devup('pull', 'hf:ggml-org/stories260K-GGUF', '--quant', 'q8_0');
    expect(pulled.stderr).toMatch(/interrupted after \d+ bytes.*retrying/);
    expect(pulled.exitCode).toBe(0);
    expect(pulled.stdout).toMatch(/saved .*models\/stories260K-Q8_0-00001-of-00002\.gguf \(.*, 2 parts\)/);
    for (const part of storiesQ8Parts) expect(pulled.stdout).toContain(`sha256 ${sha256(part)} (verified)`);
    const files = fs.readdirSync(modelsDir()).filter((name) => !name.startsWith('.'));
    expect(files.sort()).toEqual(['stories260K-Q8_0-00001-of-00002.gguf', 'stories260K-Q8_0-00002-of-00002.gguf']);
    // The pull is recorded, so a deployment of this variant finds it without the hub.
    const record = path.join(modelsDir(), '.hub', encodeURIComponent('ggml-org/stories260K-GGUF@main'), 'Q8_0.json');
    expect(JSON.parse(fs.readFileSync(record, 'utf8'))).toMatchObject({
      commit: hub.commitOf('ggml-org/stories260K-GGUF'),
      files: storiesQ8Parts.map((part, index) => ({ fileName: files[index], bytes: part.length, sha256: sha256(part) })),
    });
    const partOne = hub.requests.filter((request) => request.cdn && request.url.includes('Q8_0-00001'));
    expect(partOne.map((request) => request.range)).toEqual(['', expect.stringMatching(/^bytes=\d+-$/)]);
    // Resumed where the kept bytes end (what arrived before the drop depends on the socket, at most the 100 kB sent).
    const resumedAt = Number(/bytes=(\d+)-/.exec(partOne[1].range)![1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(100_000);

    const deployed = await devup(
      'deploy',
      '--target',
      'embedded',
      '--file',
      'stories260K-Q8_0-00001-of-00002.gguf',
      '--name',
      'stories-q8',
    );
    expect(deployed.stdout).toMatch(/stories-q8: ready/);
    const deployment = server.services.deploymentManager.describeAll().find((entry) => entry.name === 'stories-q8')!;
    // The library entry made from the header counts the tensors of both parts.
    expect(await server.services.library.get(deployment.model!)).toMatchObject({ totalParams: 292_800, contextLength: 2048 });
    const client = server.client((await server.createKey()).key);
    const completion = await client.completions.create({ model: 'stories-q8', prompt: 'Once upon a time', max_tokens: 12, temperature: 0 });
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.choices[0].text.length).toBeGreaterThan(0);
  });

  it('keeps files already pulled with the expected SHA-256 instead of downloading them again', async () => {
    const before = hub.requests.length;
    const again = await devup('pull', 'hf:ggml-org/stories260K-GGUF', '--quant', 'Q8_0');
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/stories260K-Q8_0-00001-of-00002\.gguf is already in .*models with the expected SHA-256; kept/);
    expect(again.stderr).toMatch(/stories260K-Q8_0-00002-of-00002\.gguf is already in .*models with the expected SHA-256; kept/);
    for (const part of storiesQ8Parts) expect(again.stdout).toContain(`sha256 ${sha256(part)} (verified)`);
    expect(hub.requests.slice(before).filter((request) => request.cdn || request.url.includes('/resolve/'))).toEqual([]);
  });

  it('asks for --quant when the repo has several variants and names the ones there are', async () => {
    const ambiguous = await devup('pull', 'hf:ggml-org/stories260K-GGUF');
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toMatch(/has 2 GGUF variants; choose one with --quant: Q8_0 \(2 parts, \d+ bytes\), F32 \(1185376 bytes\)/);
    const unknown = await devup('pull', 'hf:ggml-org/stories260K-GGUF', '--quant', 'Q5_K_M');
    expect(unknown.stderr).toMatch(/has no Q5_K_M variant; it has: Q8_0/);
    const noGguf = await devup('pull', 'hf:Qwen/Qwen2.5-72B-Instruct');
    expect(noGguf.stderr).toMatch(/has no GGUF files to pull/);
  });

  it('pulls from a gated repo with HF_TOKEN only', async () => {
    const refused = await devup('pull', 'hf:someone/gated-stories-GGUF');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/HTTP 401.*gated; set HF_TOKEN/);
    const pulled = await withToken('pull', 'hf:someone/gated-stories-GGUF');
    expect(pulled.exitCode).toBe(0);
    expect(pulled.stdout).toContain(`sha256 ${sha256(stories)} (verified)`);
    expect(hub.requests.filter((request) => request.cdn && request.authorization)).toEqual([]);
    expect(hub.requests.filter((request) => !request.cdn && request.authorization === `Bearer ${token}`).length).toBeGreaterThan(0);
  });
});
