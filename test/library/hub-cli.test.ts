import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubRepos } from '../support/hub-repos.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { startHubPeer, type HubPeer } from '../support/upstreams/hub-peer.js';

describe('devup models import / show / export against the hub test peer', () => {
  let hub: HubPeer;
  let server: TestApp;
  let dataDir: string;
  const devup = (...args: string[]) => server.devup(...args, '--data-dir', dataDir);

  beforeAll(async () => {
    hub = await startHubPeer({ repos: hubRepos() });
    server = await startApp({ config: { seedLibrary: true, hubUrl: hub.url, hubTimeoutMs: 1_000 } });
    dataDir = server.dataDir;
  });
  afterAll(async () => {
    await server?.stop();
    await hub?.close();
  });

  it('imports a GGUF repo by name and shows its variants table with the planner’s memory', async () => {
    const imported = await devup('models', 'import', 'hf:ggml-org/stories260K-GGUF');
    expect(imported.exitCode).toBe(0);
    expect(imported.stdout).toMatch(/^imported stories260k-gguf from ggml-org\/stories260K-GGUF@main/);
    expect(imported.stdout).toMatch(/ggml-org\/stories260K-GGUF\s+Q8_0\s+gguf\s+\d+\.\d KB\s+2\s+\d+\.\d MB\s+\d+\.\d MB\s+2K/);
    const shown = await devup('models', 'show', 'stories260k-gguf');
    expect(shown.stdout).toMatch(/Parameters\s+292\.8K total, 292\.8K activated/);
    expect(shown.stdout).toMatch(/Downloads\nRepo\s+Variant\s+Format\s+Size\s+Files\s+RAM\s+VRAM\s+at context/);
    expect(shown.stdout).toMatch(/F32\s+gguf\s+1\.2 MB\s+1/);
    const json = JSON.parse((await devup('models', 'show', 'stories260k-gguf', '--json')).stdout);
    expect(json.downloads.map((download: { label: string }) => download.label)).toEqual(['Q8_0', 'F32']);
  });

  it('imports over a catalog entry, keeps a hand edit on the next import; --history shows where values came from', async () => {
    // The catalog states DeepSeek-V2-Lite's 32K context from its README; its config.json says 163840.
    const first = await devup('models', 'import', 'hf:deepseek-ai/DeepSeek-V2-Lite');
    expect(first.stdout).toMatch(/^updated deepseek-v2-lite from deepseek-ai\/DeepSeek-V2-Lite@main\nchanged: contextLength\n/);
    const history = await devup('models', 'show', 'deepseek-v2-lite', '--history');
    // The same genuine config as the catalog's copy: the parameter counts keep their catalog source.
    expect(history.stdout).toMatch(
      /totalParams\s+https:\/\/huggingface\.co\/deepseek-ai\/DeepSeek-V2-Lite\/blob\/main\/config\.json \(copy: data\/catalog\/configs\/deepseek-ai__DeepSeek-V2-Lite\.json\)/,
    );
    expect(history.stdout).toMatch(
      /contextLength\s+http:\/\/127\.0\.0\.1:\d+\/deepseek-ai\/DeepSeek-V2-Lite\/blob\/[0-9a-f]{40}\/config\.json/,
    );
    expect(history.stdout).toMatch(
      /contextLength was 32768 \(from https:\/\/github\.com\/deepseek-ai\/DeepSeek-V2\/blob\/[0-9a-f]{40}\/README\.md, \d{4}-\d\d-\d\d\); replaced by http:.*config\.json/,
    );
    const patched = await server.admin('PATCH', '/api/models/deepseek-v2-lite', { contextLength: 32_768 });
    expect(patched.status).toBe(200);
    const again = await devup('models', 'import', 'hf:deepseek-ai/DeepSeek-V2-Lite');
    expect(again.stdout).toMatch(/^updated deepseek-v2-lite/);
    expect(again.stdout).toMatch(/kept contextLength \(entered by hand: admin API\)/);
    const after = await devup('models', 'show', 'deepseek-v2-lite', '--history');
    expect(after.stdout).toMatch(/contextLength\s+admin API\s+\S+\s+by hand/);
    expect(after.stdout).toMatch(/contextLength was 163840 \(from http:.*config\.json, \d{4}-\d\d-\d\d\); replaced by admin API/);
  });

  it('names the repo and the problem when an import fails', async () => {
    const missing = await devup('models', 'import', 'hf:nobody/nothing');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/404 not_found: Hugging Face repo 'nobody\/nothing' does not exist/);
    const gated = await devup('models', 'import', 'hf:meta-llama/Llama-3.1-8B-Instruct');
    expect(gated.stderr).toMatch(/403 permission_denied: meta-llama\/Llama-3\.1-8B-Instruct is a gated repo: set HF_TOKEN/);
    const stalled = await devup('models', 'import', 'hf:someone/stalled');
    expect(stalled.stderr).toMatch(/504 upstream_timeout: the hub did not answer within 1 s for someone\/stalled@main/);
    const malformed = await devup('models', 'import', 'Qwen/Qwen2.5-72B-Instruct');
    expect(malformed.stderr).toMatch(/give one hub repo as hf:OWNER\/REPO/);
  });

  it('exports a card whose README.md imports back to the same entry', async () => {
    const out = path.join(dataDir, 'export');
    const exported = await devup('models', 'export', 'deepseek-v3', '--format', 'hf', '--out', out);
    expect(exported.stdout).toMatch(/wrote .*export\/README\.md \(24 results in model-index\)/);
    expect((await devup('models', 'export', 'deepseek-v3', '--format', 'hf', '--out', out)).stderr).toMatch(/exists; pass --force/);
    const response = await server.admin('POST', '/api/import', {
      kind: 'hf-card',
      content: fs.readFileSync(path.join(out, 'README.md'), 'utf8'),
    });
    expect(response.status).toBe(201);
    const imported = await response.json();
    expect(imported).toMatchObject({ id: 'deepseek-v3', totalParams: 671e9, import: { created: false, updated: [] } });
  });
});
