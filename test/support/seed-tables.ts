import fs from 'node:fs';
import { seedPath } from './fixtures.js';

/** The mapping from the page's column and row labels to library ids (the base table's DeepSeek-V3 column is the Base model). */
export const baseColumns: Record<string, string> = {
  'DeepSeek-V2': 'deepseek-v2',
  'Qwen2.5 72B': 'qwen2.5-72b',
  'LLaMA3.1 405B': 'llama-3.1-405b',
  'DeepSeek-V3': 'deepseek-v3-base',
};
export const chatColumns: Record<string, string> = {
  'DeepSeek V2-0506': 'deepseek-v2-0506',
  'DeepSeek V2.5-0905': 'deepseek-v2.5-0905',
  'Qwen2.5 72B-Inst.': 'qwen2.5-72b-instruct',
  'Llama3.1 405B-Inst.': 'llama-3.1-405b-instruct',
  'Claude-3.5-Sonnet-1022': 'claude-3.5-sonnet-1022',
  'GPT-4o 0513': 'gpt-4o-0513',
  'DeepSeek V3': 'deepseek-v3',
};
export const openEndedRows: Record<string, string> = {
  'DeepSeek-V2.5-0905': 'deepseek-v2.5-0905',
  'Qwen2.5-72B-Instruct': 'qwen2.5-72b-instruct',
  'LLaMA-3.1 405B': 'llama-3.1-405b-instruct',
  'GPT-4o-0513': 'gpt-4o-0513',
  'Claude-Sonnet-3.5-1022': 'claude-3.5-sonnet-1022',
  'DeepSeek-V3': 'deepseek-v3',
};
export const downloadRows: Record<string, string> = { 'DeepSeek-V3-Base': 'deepseek-v3-base', 'DeepSeek-V3': 'deepseek-v3' };

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
