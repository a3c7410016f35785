import { useState } from 'react';
import { LineChart } from '../../components/line-chart.js';
import type { UsageRow } from './usage-types.js';

type Measure = 'requests' | 'tokens' | 'cost';
type GroupBy = 'deployment' | 'key';

const measureOf: Record<Measure, (row: UsageRow) => number> = {
  requests: (row) => row.requests,
  tokens: (row) => row.promptTokens + row.completionTokens,
  cost: (row) => row.costUsd ?? 0,
};

/** Usage per day as lines, one per deployment or per key. */
export function UsageCharts({ rows }: { rows: UsageRow[] }) {
  const [measure, setMeasure] = useState<Measure>('requests');
  const [groupBy, setGroupBy] = useState<GroupBy>('deployment');
  const days = [...new Set(rows.map((row) => row.day))].sort();
  const groupName = (row: UsageRow) => (groupBy === 'deployment' ? row.deployment : (row.keyName ?? (row.keyId ? row.keyId : 'admin key')));
  const groups = [...new Set(rows.map(groupName))].sort();
  const series = groups.map((name) => ({
    name,
    values: days.map((day) => {
      const matching = rows.filter((row) => row.day === day && groupName(row) === name);
      return matching.length ? matching.reduce((sum, row) => sum + measureOf[measure](row), 0) : 0;
    }),
  }));
  return (
    <div>
      <div className="row" style={{ marginBottom: '0.5rem' }}>
        <label htmlFor="usage-measure">Show</label>
        <select id="usage-measure" value={measure} onChange={(event) => setMeasure(event.target.value as Measure)}>
          <option value="requests">Requests</option>
          <option value="tokens">Tokens</option>
          <option value="cost">Cost (USD, priced requests)</option>
        </select>
        <label htmlFor="usage-group">by</label>
        <select id="usage-group" value={groupBy} onChange={(event) => setGroupBy(event.target.value as GroupBy)}>
          <option value="deployment">Deployment</option>
          <option value="key">Key</option>
        </select>
      </div>
      <LineChart title={`${measure[0].toUpperCase()}${measure.slice(1)} per day by ${groupBy}`} labels={days} series={series} yLabel={measure} />
    </div>
  );
}
