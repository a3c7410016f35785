import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { createApp } from '../../src/server/app.js';
import { createServices, type AppServices } from '../../src/server/services.js';
import { deploy, processServerScript, tempDataDir } from '../deploy/deploy-fixtures.js';

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

describe('files the gateway writes in its data dir', () => {
  let parent: string;
  let dataDir: string;
  let config: Config;
  let services: AppServices;
  let app: FastifyInstance;

  const open = async () => {
    services = await createServices(config);
    app = await createApp(services);
  };
  const close = async () => {
    await app.close();
    await services.close();
  };
  const waitReady = async () => {
    const deadline = Date.now() + 20_000;
    while (services.deploymentManager.describe('engine').state !== 'ready') {
      if (Date.now() > deadline) throw new Error(`engine is ${services.deploymentManager.describe('engine').state}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    parent = tempDataDir();
    dataDir = path.join(parent, 'devup');
    config = loadConfig({ PATH: process.env.PATH }, { dataDir, logLevel: 'silent', seedLibrary: false });
    await open();
  });

  afterAll(async () => {
    for (const deployment of services.deploymentManager.describeAll()) await services.deploymentManager.delete(deployment.name);
    await close();
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('are readable by the gateway user only: the data dir it creates, the database with its WAL, keys, engine logs and run files', async () => {
    const manager = services.deploymentManager;
    const created = await deploy(manager, {
      name: 'engine',
      targets: [{ kind: 'process', spec: { command: process.execPath, args: [processServerScript, '--port', '{port}'] } }],
    });
    await waitReady();
    const target = created.targets[0].id;
    const files = ['devup.db', 'devup.db-wal', 'devup.db-shm', 'admin.key', 'secret.key', `logs/${target}.log`, `run/${target}.json`];
    expect(Object.fromEntries(['.', 'logs', 'run'].map((directory) => [directory, modeOf(path.join(dataDir, directory))]))).toEqual({
      '.': '700',
      logs: '700',
      run: '700',
    });
    expect(Object.fromEntries(files.map((file) => [file, modeOf(path.join(dataDir, file))]))).toEqual(
      Object.fromEntries(files.map((file) => [file, '600'])),
    );
  });

  it('narrows the database, its WAL and an engine log that an earlier version left world-readable', async () => {
    const target = services.deploymentManager.describe('engine').targets[0].id;
    await close();
    // An earlier gateway, still running (or killed) with the database open: its files are 0644.
    const database = path.join(dataDir, 'devup.db');
    fs.chmodSync(database, 0o644);
    fs.chmodSync(path.join(dataDir, `logs/${target}.log`), 0o644);
    const earlier = new SqliteDatabase(database);
    earlier.pragma('journal_mode = WAL');
    earlier.prepare("UPDATE deployments SET updated_at = updated_at + 1 WHERE name = 'engine'").run();
    const files = ['devup.db', 'devup.db-wal', 'devup.db-shm', `logs/${target}.log`];
    expect(files.map((file) => modeOf(path.join(dataDir, file)))).toEqual(['644', '644', '644', '644']);
    try {
      await open();
      // Re-attached first (the engine outlived the gateway), then launched anew: the launch opens the log.
      await waitReady();
      await services.deploymentManager.stop('engine');
      await services.deploymentManager.start('engine');
      await waitReady();
      expect(files.map((file) => modeOf(path.join(dataDir, file)))).toEqual(['600', '600', '600', '600']);
    } finally {
      earlier.close();
    }
  });
});
