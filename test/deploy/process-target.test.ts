import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentManager } from '../../src/deploy/deployment-manager.js';
import type { Store } from '../../src/store/database.js';
import { openTestStore } from '../support/stores.js';
import { deploy, inState, openManager, processServerScript, tempDataDir, waitForDeployment, waitForEvent } from './deploy-fixtures.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // An engine spawned by an earlier manager in this test process lingers as a zombie until Node
  // reaps it; it has exited all the same.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function pidOf(view: { targets: Array<{ address: string | null }> }): number {
  return Number(/pid (\d+)/.exec(view.targets[0].address ?? '')?.[1]);
}

async function chat(manager: DeploymentManager, name: string, content: string): Promise<string> {
  const target = manager.get(name)!.targets[0];
  const reply = await target.provider.call({
    operation: 'chat',
    body: { model: target.upstreamModel, messages: [{ role: 'user', content }] },
    signal: AbortSignal.timeout(5_000),
  });
  if (reply.kind !== 'json') throw new Error('expected a JSON reply');
  return (reply.body as any).choices[0].message.content;
}

describe('process target with a real engine process', () => {
  let store: Store;
  let dataDir: string;
  let manager: DeploymentManager;
  const engine = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    targets: [
      {
        kind: 'process',
        spec: {
          command: process.execPath,
          args: [processServerScript, '--port', '{port}', '--model', 'engine-model', '--loading-ms', '300'],
          readyTimeoutMs: 15_000,
          stopTimeoutMs: 2_000,
          ...extra,
        },
      },
    ],
  });

  beforeAll(async () => {
    store = await openTestStore('sqlite');
    dataDir = tempDataDir();
    manager = await openManager(store, dataDir, 200);
  });
  afterAll(async () => {
    for (const view of manager.describeAll()) await manager.delete(view.name);
    await manager.close();
    // Should a test fail between detach and re-attach, no engine outlives the suite.
    for (const file of fs.existsSync(`${dataDir}/run`) ? fs.readdirSync(`${dataDir}/run`) : []) {
      const { pid } = JSON.parse(fs.readFileSync(`${dataDir}/run/${file}`, 'utf8')) as { pid: number };
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('launches the engine, waits through loading for /health, serves, and shows its logs', async () => {
    await deploy(manager, engine('local'));
    const ready = await waitForDeployment(manager, 'local', inState('ready'));
    const pid = pidOf(ready);
    expect(isAlive(pid)).toBe(true);
    expect(manager.get('local')!.targets[0].upstreamModel).toBe('engine-model');
    expect(await chat(manager, 'local', 'hi')).toBe(`Echo from pid ${pid}: hi`);
    const states = (await manager.events('local')).filter((event) => event.type === 'state').map((event) => event.message.split(':')[0]);
    expect(states).toEqual(['provisioning', 'loading', 'ready']);
    const lines = manager.logs('local').map((entry) => entry.line);
    const port = /127\.0\.0\.1:(\d+)/.exec(ready.targets[0].address!)![1];
    expect(lines).toEqual(
      expect.arrayContaining([
        `openai-process-server pid ${pid} listening on 127.0.0.1:${port}, model engine-model`,
        'GET /health',
        'POST /v1/chat/completions',
      ]),
    );
  });

  it('comes back after SIGKILL: degraded while down, restarted with backoff, serving again', async () => {
    const pid = pidOf(manager.describe('local'));
    process.kill(pid, 'SIGKILL');
    // The health monitor may notice first ("health check failed"); the process's exit then says why.
    const degraded = await waitForDeployment(
      manager,
      'local',
      (view) => view.state === 'degraded' && /killed by SIGKILL/.test(view.reason ?? ''),
    );
    expect(degraded.reason).toBe(`process#1 down: process ${pid} killed by SIGKILL; restarting in 500 ms`);
    const ready = await waitForDeployment(manager, 'local', (view) => view.state === 'ready' && pidOf(view) !== pid);
    const newPid = pidOf(ready);
    expect(isAlive(newPid)).toBe(true);
    expect(await chat(manager, 'local', 'again')).toBe(`Echo from pid ${newPid}: again`);
    const events = await waitForEvent(manager, 'local', /^recovered process#1: process restarted \(pid \d+\) and healthy after 1 attempt/);
    expect(events).toContain(`target process#1: process ${pid} killed by SIGKILL; restarting in 500 ms`);
    expect(manager.logs('local').map((entry) => entry.line)).toContain(`--- devup: process ${pid} killed by SIGKILL ---`);

    // Dying again soon after: the backoff doubles.
    process.kill(newPid, 'SIGKILL');
    await waitForEvent(manager, 'local', new RegExp(`^target process#1: process ${newPid} killed by SIGKILL; restarting in 1000 ms$`));
    await waitForDeployment(manager, 'local', (view) => view.state === 'ready' && pidOf(view) !== newPid);
  });

  it('keeps the engine running across a gateway restart and re-attaches to it', async () => {
    const pid = pidOf(manager.describe('local'));
    await manager.close();
    expect(isAlive(pid)).toBe(true);
    manager = await openManager(store, dataDir, 200);
    const ready = await waitForDeployment(manager, 'local', inState('ready'));
    expect(pidOf(ready)).toBe(pid);
    expect(await chat(manager, 'local', 'still here')).toBe(`Echo from pid ${pid}: still here`);
    expect((await manager.events('local')).map((event) => event.message)).toContain(
      `process#1: re-attached to process ${pid} on port ${/127\.0\.0\.1:(\d+)/.exec(ready.targets[0].address!)![1]}`,
    );
  });

  it('stops the engine with SIGTERM on stop and on delete', async () => {
    const pid = pidOf(manager.describe('local'));
    await manager.stop('local');
    expect(isAlive(pid)).toBe(false);
    expect(manager.logs('local')).toEqual([]);
    await manager.start('local');
    const pidAgain = pidOf(await waitForDeployment(manager, 'local', inState('ready')));
    await manager.delete('local');
    expect(isAlive(pidAgain)).toBe(false);
    expect(fs.readdirSync(`${dataDir}/run`)).toEqual([]);
  });

  it('fails with the last lines of a command that exits at once', async () => {
    await deploy(manager, {
      name: 'broken',
      targets: [
        {
          kind: 'process',
          spec: {
            command: process.execPath,
            args: [
              '-e',
              "console.log('loading model'); console.error('error: weights not found at /models/missing.gguf'); process.exit(3)",
            ],
          },
        },
      ],
    });
    const failed = await waitForDeployment(manager, 'broken', inState('failed'));
    expect(failed.reason).toBe(
      'process#1: process exit code 3 before it became healthy; last output:\nloading model\nerror: weights not found at /models/missing.gguf',
    );
  });

  it('refuses an engine binary that does not exist, at create and at start', async () => {
    const refused = await deploy(manager, {
      name: 'absent',
      targets: [{ kind: 'process', spec: { command: 'no-such-engine-binary' } }],
    }).catch((error) => error);
    expect(refused.fieldErrors).toEqual([
      { path: 'targets.0.spec.command', message: expect.stringMatching(/^engine command 'no-such-engine-binary' not found on PATH/) },
    ]);
    // A binary removed after the deployment was created: the start fails saying so.
    const engine = `${dataDir}/engine-to-remove`;
    fs.writeFileSync(engine, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    await deploy(manager, { name: 'removed', start: false, targets: [{ kind: 'process', spec: { command: engine } }] });
    fs.rmSync(engine);
    await manager.start('removed');
    const failed = await waitForDeployment(manager, 'removed', inState('failed'));
    expect(failed.reason).toBe(
      `process#1: Invalid process spec: command: engine command '${engine}' not found or not executable (looked at ${engine})`,
    );
  });
});
