import type { RequestRecord, UsageRow } from './usage-types.js';

export type Measure = 'requests' | 'tokens' | 'cost';
export type GroupBy = 'deployment' | 'key';

export interface UsageSeries {
  labels: string[];
  series: Array<{ name: string; values: number[] }>;
  /** Totals per group over the whole range, for the bars. */
  totals: Array<{ name: string; value: number }>;
  step: 'hour' | 'day';
}

interface Point {
  bucket: string;
  group: string;
  value: number;
}

const keyLabel = (keyId: string | null, keyName: string | null) => keyName ?? keyId ?? 'admin key';

/**
 * Usage over time per deployment or key: per day from the daily totals, or per hour from the
 * request log when everything happened within two days (a new install has one day of data).
 */
export function usageSeries(
  rows: UsageRow[],
  records: RequestRecord[],
  measure: Measure,
  groupBy: GroupBy,
  keyNames: Map<string, string>,
): UsageSeries {
  const days = new Set(rows.map((row) => row.day));
  const hourly = days.size <= 2 && records.length > 0;
  const points: Point[] = hourly
    ? records.map((record) => ({
        bucket: `${record.at.slice(0, 13)}:00`,
        group:
          groupBy === 'deployment'
            ? record.deployment
            : keyLabel(record.key_id, record.key_id ? (keyNames.get(record.key_id) ?? null) : null),
        value: measure === 'requests' ? 1 : measure === 'tokens' ? record.prompt_tokens + record.completion_tokens : (record.cost_usd ?? 0),
      }))
    : rows.map((row) => ({
        bucket: row.day,
        group: groupBy === 'deployment' ? row.deployment : keyLabel(row.keyId, row.keyName),
        value: measure === 'requests' ? row.requests : measure === 'tokens' ? row.promptTokens + row.completionTokens : (row.costUsd ?? 0),
      }));
  const labels = [...new Set(points.map((point) => point.bucket))].sort();
  const groups = [...new Set(points.map((point) => point.group))].sort();
  const sum = (filter: (point: Point) => boolean) => points.filter(filter).reduce((total, point) => total + point.value, 0);
  return {
    step: hourly ? 'hour' : 'day',
    labels: labels.map((label) => (hourly ? label.slice(5).replace('T', ' ') : label)),
    series: groups.map((name) => ({ name, values: labels.map((label) => sum((point) => point.group === name && point.bucket === label)) })),
    totals: groups.map((name) => ({ name, value: sum((point) => point.group === name) })),
  };
}
