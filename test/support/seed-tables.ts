import fs from 'node:fs';
import { seedPath } from './fixtures.js';

export function readSeedText(): string {
  return fs.readFileSync(seedPath, 'utf8');
}

/** The markdown tables of the source page, in order: variants, base, chat, open-ended. */
export function readSeedTables(): SeedTable[] {
  return parseTables(readSeedText());
}

export interface SeedTable {
  header: string[];
  rows: string[][];
}

/** Every markdown table of the page: a separator row (`|---|`) makes the row above it a header. */
export function parseTables(text: string): SeedTable[] {
  const tables: SeedTable[] = [];
  let rows: string[][] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      rows = [];
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells.every((cell) => /^-+$/.test(cell))) {
      const table = { header: rows.pop() ?? [], rows: [] as string[][] };
      tables.push(table);
      rows = table.rows;
    } else {
      rows.push(cells);
    }
  }
  return tables;
}

/** "671B" → 671e9, "-" → null. */
export function parseParams(cell: string): number | null {
  if (cell === '-') return null;
  const match = /^(\d+(?:\.\d+)?)B$/.exec(cell);
  if (!match) throw new Error(`unexpected parameter cell ${cell}`);
  return Number(match[1]) * 1e9;
}

/** "English MMLU (Acc.)" → category, name, metric; a chat metric like "3-shot F1" carries the shots. */
export function parseBenchmarkLabel(label: string, shotsCell?: string) {
  const match = /^(\S+) (.+) \((.+)\)$/.exec(label);
  if (!match) throw new Error(`unexpected benchmark label ${label}`);
  const [, category, name, metricText] = match;
  const inMetric = /^(\d+)-shot (.+)$/.exec(metricText);
  const shots = inMetric ? Number(inMetric[1]) : shotsCell && shotsCell !== '-' ? Number(shotsCell.replace('-shot', '')) : null;
  return { category, name, metric: inMetric ? inMetric[2] : metricText, shots };
}
