/** Display formats shared by every page: 671e9 → "671B", 131072 → "128K". */

export function formatParams(count: number | null | undefined): string {
  if (count === null || count === undefined) return '-';
  if (count >= 1e12) return `${trim(count / 1e12)}T`;
  if (count >= 1e9) return `${trim(count / 1e9)}B`;
  if (count >= 1e6) return `${trim(count / 1e6)}M`;
  if (count >= 1e3) return `${trim(count / 1e3)}K`;
  return String(count);
}

export function formatContext(tokens: number | null | undefined): string {
  if (tokens === null || tokens === undefined) return '-';
  // 128000 is "128K" (decimal), 131072 is "128K" too (binary, as model cards write it).
  if (tokens >= 1000 && tokens % 1000 === 0) return `${tokens / 1000}K`;
  if (tokens >= 1024 && tokens % 1024 === 0) return `${tokens / 1024}K`;
  if (tokens >= 1000) return `${trim(tokens / 1000)}K`;
  return String(tokens);
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '-';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${trim(value)} ${units[unit]}`;
}

export function formatTime(at: number | string | null | undefined): string {
  if (at === null || at === undefined) return '-';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toLocaleString();
}

export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '-';
  return value.toLocaleString(undefined, { maximumFractionDigits: digits });
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : String(Number(value.toFixed(1)));
}

/** Time of day for event logs ("12:29:58"); the full date is in the element's title. */
export function formatClock(at: number | string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toLocaleTimeString(undefined, { hour12: false });
}
