/** Prints rows as an aligned text table; `columns` picks and orders the keys. */
export function formatTable(
  rows: Array<Record<string, unknown>>,
  columns: Array<{ key: string; label: string; align?: 'left' | 'right' }>,
): string {
  const cells = rows.map((row) => columns.map((column) => formatCell(row[column.key])));
  const widths = columns.map((column, index) => Math.max(column.label.length, ...cells.map((line) => line[index].length)));
  const render = (values: string[]) =>
    values
      .map((value, index) => (columns[index].align === 'right' ? value.padStart(widths[index]) : value.padEnd(widths[index])))
      .join('  ')
      .trimEnd();
  return [render(columns.map((column) => column.label)), render(widths.map((width) => '-'.repeat(width))), ...cells.map(render)].join('\n');
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** 1185376 → "1.2 MB", 512 → "512 B" (decimal units, as disks and downloads count). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** 671e9 → "671B", 21e9 → "21B", 1.2e6 → "1.2M". */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) {
    if (value >= size) return `${Number((value / size).toFixed(1))}${unit}`;
  }
  return String(value);
}
