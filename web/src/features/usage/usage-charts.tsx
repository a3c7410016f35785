import { useState } from 'react';
import { BarChart } from '../../components/bar-chart.js';
import { LineChart } from '../../components/line-chart.js';
import { usageSeries, type GroupBy, type Measure } from './usage-series.js';
import type { RequestRecord, UsageRow } from './usage-types.js';

const measureLabels: Record<Measure, string> = { requests: 'Requests', tokens: 'Tokens', cost: 'Cost (USD, priced requests)' };

/** Usage over time (one line per deployment or key) and totals per group (bars). */
export function UsageCharts({ rows, records, keyNames }: { rows: UsageRow[]; records: RequestRecord[]; keyNames: Map<string, string> }) {
  const [measure, setMeasure] = useState<Measure>('requests');
  const [groupBy, setGroupBy] = useState<GroupBy>('deployment');
  const data = usageSeries(rows, records, measure, groupBy, keyNames);
  return (
    <div>
      <div className="row" style={{ marginBottom: '0.5rem' }}>
        <label htmlFor="usage-measure">Show</label>
        <select id="usage-measure" value={measure} onChange={(event) => setMeasure(event.target.value as Measure)}>
          {Object.entries(measureLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label htmlFor="usage-group">by</label>
        <select id="usage-group" value={groupBy} onChange={(event) => setGroupBy(event.target.value as GroupBy)}>
          <option value="deployment">Deployment</option>
          <option value="key">Key</option>
        </select>
      </div>
      <div className="charts">
        <LineChart
          title={`${measureLabels[measure]} per ${data.step} by ${groupBy}`}
          labels={data.labels}
          series={data.series}
          yLabel={measure}
        />
        <BarChart
          title={`${measureLabels[measure]} in total by ${groupBy}`}
          series={data.totals.map((total) => total.name)}
          groups={[{ label: measureLabels[measure], values: data.totals.map((total) => total.value) }]}
          yLabel={measure}
        />
      </div>
    </div>
  );
}
