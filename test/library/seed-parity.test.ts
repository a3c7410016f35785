import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannerSizer } from '../../src/deploy/planner/planner-sizer.js';
import { LibraryService } from '../../src/library/library-service.js';
import type { Model } from '../../src/library/library-shapes.js';
import type { Store } from '../../src/store/database.js';
import { dialects, openTestStore } from '../support/stores.js';
import { seedPath } from '../support/fixtures.js';
import {
  baseColumns,
  chatColumns,
  downloadRows,
  openEndedRows,
  parseBenchmarkLabel,
  parseParams,
  parseTables,
  readSeedText,
} from '../support/seed-tables.js';

const text = readSeedText();
const [downloads, baseTable, chatTable, openEndedTable] = parseTables(text);

describe.each(dialects)('seed parity on %s', (dialect) => {
  let store: Store;
  const models = new Map<string, Model>();
  beforeAll(async () => {
    store = await openTestStore(dialect);
    const library = new LibraryService(store, { sizer: plannerSizer });
    expect(await library.seedIfEmpty()).toBe(true);
    for (const id of [...Object.values(baseColumns), ...Object.values(chatColumns)]) models.set(id, await library.get(id));
  });
  afterAll(() => store.close());

  const expectedCells = new Map<string, number>();
  const count = (id: string) => expectedCells.set(id, (expectedCells.get(id) ?? 0) + 1);

  function checkBenchmarkTable(table: typeof baseTable, columns: Record<string, string>, suite: 'base' | 'chat', firstValueColumn: number) {
    const modelIds = table.header.slice(firstValueColumn).map((label) => columns[label]);
    expect(modelIds.every(Boolean)).toBe(true);
    for (const row of table.rows) {
      const cells = row.slice(firstValueColumn);
      const label = row[0];
      if (label.startsWith('Architecture')) {
        cells.forEach((cell, index) =>
          expect(models.get(modelIds[index])!.architecture, `${modelIds[index]} architecture`).toBe(cell === '-' ? 'unknown' : cell),
        );
        continue;
      }
      if (label.startsWith('# Activated Params') || label.startsWith('# Total Params')) {
        const field = label.startsWith('# Activated') ? 'activatedParams' : 'totalParams';
        cells.forEach((cell, index) => expect(models.get(modelIds[index])![field], `${modelIds[index]} ${field}`).toBe(parseParams(cell)));
        continue;
      }
      const benchmark = parseBenchmarkLabel(label, firstValueColumn === 2 ? row[1] : undefined);
      cells.forEach((cell, index) => {
        const model = models.get(modelIds[index])!;
        const found = model.results.filter(
          (result) =>
            result.suite === suite &&
            result.benchmark === benchmark.name &&
            result.metric === benchmark.metric &&
            result.shots === benchmark.shots,
        );
        const where = `${model.id} ${label}`;
        if (cell === '-') {
          expect(found, `${where} is missing on the page`).toEqual([]);
          return;
        }
        count(model.id);
        expect(found, where).toHaveLength(1);
        expect(found[0].value, where).toBe(Number(cell));
        expect(found[0].category, where).toBe(benchmark.category);
        expect(found[0].direction, where).toBe(benchmark.metric === 'BPB' ? 'lower' : 'higher');
      });
    }
  }

  it('keeps the source page byte for byte (SHA-256 in data/sources/SOURCES.md)', () => {
    const sha256 = createHash('sha256').update(fs.readFileSync(seedPath)).digest('hex');
    expect(fs.readFileSync(new URL('../../data/sources/SOURCES.md', import.meta.url), 'utf8')).toContain(sha256);
    expect(parseTables(text)).toHaveLength(4);
  });

  it('reproduces the base model table cell by cell (architecture, parameters, values, shots, metrics, "-")', () => {
    expect(baseTable.header.slice(0, 2)).toEqual(['Benchmark (Metric)', '# Shots']);
    expect(baseTable.rows).toHaveLength(35);
    checkBenchmarkTable(baseTable, baseColumns, 'base', 2);
  });

  it('reproduces the chat model table cell by cell', () => {
    expect(chatTable.rows).toHaveLength(25);
    checkBenchmarkTable(chatTable, chatColumns, 'chat', 1);
  });

  it('reproduces the open-ended generation table (Arena-Hard, AlpacaEval 2.0) as suite open-ended', () => {
    const benchmarks = openEndedTable.header.slice(1);
    expect(benchmarks).toEqual(['Arena-Hard', 'AlpacaEval 2.0']);
    for (const row of openEndedTable.rows) {
      const model = models.get(openEndedRows[row[0]])!;
      benchmarks.forEach((name, index) => {
        const found = model.results.filter((result) => result.suite === 'open-ended' && result.benchmark === name);
        count(model.id);
        expect(found, `${model.id} ${name}`).toHaveLength(1);
        expect(found[0].value).toBe(Number(row[index + 1]));
      });
    }
  });

  it('has no result the page does not show', () => {
    for (const [id, model] of models) expect(model.results.length, id).toBe(expectedCells.get(id));
  });

  it('matches the downloads table: parameters, 128K context as 131072 tokens, Hugging Face links', () => {
    for (const [label, total, activated, context] of downloads.rows) {
      const model = models.get(downloadRows[label])!;
      expect(model.totalParams).toBe(parseParams(total));
      expect(model.activatedParams).toBe(parseParams(activated));
      expect(context).toBe('128K');
      expect(model.contextLength).toBe(128 * 1024);
      expect(model.links.map((link) => link.url)).toContain(`https://huggingface.co/deepseek-ai/${label}`);
    }
  });

  it('carries the full page text in the DeepSeek-V3 card, and the 685B note and NIAH statement as notes', () => {
    const card = models.get('deepseek-v3')!;
    for (const line of text.split('\n').filter((line) => line.trim() !== '')) expect(card.description).toContain(line);
    const note = /NOTE: (.+)/.exec(text)![1].replace('HuggingFace', 'Hugging Face');
    expect(card.notes).toContain(note);
    expect(card.notes.some((entry) => entry.includes('Needle In A Haystack') && entry.includes('128K'))).toBe(true);
    expect(card.niah).toEqual([]);
  });
});
