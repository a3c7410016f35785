import { readFileSync } from 'node:fs';

/** The markdown tables of the source page, in order: variants, base, chat, open-ended. */
export interface SeedTable {
  header: string[];
  rows: string[][];
}

export const seedPath = new URL('../../../shared/seed/000_566dd3d3e927ff44.txt', import.meta.url);

export function readSeedTables(): SeedTable[] {
  const lines = readFileSync(seedPath, 'utf8').split('\n');
  const tables: SeedTable[] = [];
  let current: string[][] | null = null;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      current = null;
      continue;
    }
    const cells = line.slice(1, line.endsWith('|') ? -1 : undefined).split('|').map((cell) => cell.trim());
    if (cells.every((cell) => /^-+$/.test(cell))) {
      // A separator under a row that was read as a body row: a new table starts with no blank line between.
      const table = tables[tables.length - 1];
      if (table.rows.length > 0) tables.push({ header: table.rows.pop()!, rows: [] });
      continue;
    }
    if (!current) {
      current = [];
      tables.push({ header: cells, rows: [] });
      continue;
    }
    tables[tables.length - 1].rows.push(cells);
  }
  return tables;
}
