import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTables, readSeedText } from '../support/seed-tables.js';
import { runCli } from '../support/run-cli.js';
import { seededModels } from '../support/seeded-models.js';

let dataDir: string;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devup-models-cli-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const devup = (...args: string[]) => runCli([...args, '--data-dir', dataDir]);

describe('devup models', () => {
  it('show --json prints the card with parameter counts, tokens and results (seeding the local store)', async () => {
    const { stdout, exitCode } = await devup('models', 'show', 'deepseek-v3', '--json');
    expect(exitCode).toBe(0);
    const model = JSON.parse(stdout);
    expect(model).toMatchObject({
      id: 'deepseek-v3',
      name: 'DeepSeek-V3',
      architecture: 'MoE',
      totalParams: 671e9,
      activatedParams: 37e9,
      contextLength: 131072,
    });
    expect(model.results).toContainEqual(
      expect.objectContaining({ benchmark: 'DROP', metric: 'F1', shots: 3, suite: 'chat', value: 91.6 }),
    );
    expect(model.results).toContainEqual(expect.objectContaining({ benchmark: 'Arena-Hard', suite: 'open-ended', value: 85.5 }));
  });

  it('show prints a readable card with its benchmarks', async () => {
    const { stdout } = await devup('models', 'show', 'deepseek-v3-base');
    expect(stdout).toMatch(/Architecture\s+MoE, MLA attention\n/);
    expect(stdout).toMatch(/Parameters\s+671B total, 37B activated/);
    expect(stdout).toMatch(/Context\s+128K \(131072 tokens\)/);
    expect(stdout).toMatch(/Pile-test \(BPB\)\s+0\.548\s+lower is better/);
    expect(stdout).toMatch(/MMLU \(5-shot Acc\.\)\s+87\.1/);
  });

  it('compare reproduces the source page chat table for the chosen columns, best level marked *x*', async () => {
    const { stdout, exitCode } = await devup('models', 'compare', 'deepseek-v3', 'qwen2.5-72b-instruct', 'llama-3.1-405b-instruct');
    expect(exitCode).toBe(0);
    const chat = parseTables(readSeedText())[2];
    const columns = ['DeepSeek V3', 'Qwen2.5 72B-Inst.', 'Llama3.1 405B-Inst.'].map((label) => chat.header.indexOf(label));
    const printed = new Map(
      stdout.split('\n').map((line) => {
        const cells = line.trim().split(/\s{2,}/);
        return [cells.at(-4) ?? '', cells.slice(-3)] as const;
      }),
    );
    for (const row of chat.rows) {
      const label = row[0].replace(/^(English|Code|Math|Chinese|Multilingual) /, '').replace(' (-)', '');
      const expected = columns.map((column) => row[column]);
      const numbers = expected.map(Number);
      const isBenchmark = numbers.every((value) => !Number.isNaN(value)) && !label.startsWith('#');
      const best = Math.max(...numbers);
      const marked = expected.map((cell, index) => (isBenchmark && best - numbers[index] <= 0.3 + 1e-9 ? `*${cell}*` : cell));
      expect(printed.get(label), label).toEqual(marked);
    }
    expect(printed.get('MMLU (EM)')).toEqual(['*88.5*', '85.3', '*88.6*']);
  });

  it('search filters and sorts by a benchmark given by name', async () => {
    const { stdout } = await devup(
      'models',
      'search',
      'instruct',
      '--filter',
      'publisher=Meta,Qwen',
      '--filter',
      'open-weights=true',
      '--filter',
      'min-context=128K',
      '--sort',
      'benchmark:MMLU (EM)',
      '--json',
    );
    const page = JSON.parse(stdout);
    expect(page.items.map((item: { id: string; score: number }) => [item.id, item.score])).toEqual([
      ['llama-3.1-405b-instruct', 88.6],
      ['qwen2.5-72b-instruct', 85.3],
    ]);
    const table = await devup('models', 'search', 'deepseek', '--filter', 'min-params=600B', '--sort', 'params');
    expect(table.stdout).toMatch(/deepseek-v3\s+DeepSeek-V3\s+DeepSeek\s+MoE\s+671B\s+37B\s+128K/);
    // With the catalog's models whose cards say DeepSeek, counted by the planner from their configs (DeepSeek-R1: 671.0B, 37.6B).
    expect(table.stdout).toMatch(/deepseek-r1\s+DeepSeek-R1\s+DeepSeek\s+MoE\s+671B\s+37\.6B\s+128K/);
    expect(
      table.stdout
        .split('\n')
        .slice(2, 8)
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(['kimi-k2-instruct', 'glm-5', 'deepseek-r1', 'deepseek-v3.2', 'deepseek-v3', 'deepseek-v3-base']);
    expect(table.stdout).toContain('6 model(s), page 1 of 1');
  });

  it('list prints every model, sorted as asked', async () => {
    const { stdout } = await devup('models', 'list', '--sort', 'context', '--page-size', '3');
    // Llama-4-Scout's config states 10M tokens.
    expect(stdout.split('\n')[2]).toMatch(/^llama-4-scout-17b-16e-instruct\s.*\s10240K\s/);
    const { seed, catalog } = seededModels();
    expect(stdout).toContain(`${seed.length + catalog.length} model(s), page 1 of ${Math.ceil((seed.length + catalog.length) / 3)}`);
  });

  it('reports mistakes with exit code 2', async () => {
    expect((await devup('models', 'show', 'no-such-model')).stderr).toContain("Model 'no-such-model' does not exist");
    expect((await devup('models', 'compare', 'deepseek-v3')).exitCode).toBe(2);
    const badFilter = await devup('models', 'search', 'x', '--filter', 'colour=blue');
    expect(badFilter.exitCode).toBe(2);
    expect(badFilter.stderr).toContain('bad --filter');
    expect((await devup('models', 'search', 'x', '--sort', 'benchmark:CLUEWSC')).stderr).toContain('names 2 benchmarks');
  });
});
