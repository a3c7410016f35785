import { useState } from 'react';
import { BarChart } from '../../components/bar-chart.js';
import { ScatterChart } from '../../components/scatter-chart.js';
import type { Comparison } from './comparison-types.js';

/** Score against activated parameters (efficiency) for a chosen row, and per-category averages. */
export function CompareCharts({ comparison }: { comparison: Comparison }) {
  const { models, rows, categories } = comparison;
  const plottable = rows
    .map((row, index) => ({ row, index }))
    .filter(
      ({ row }) =>
        row.direction === 'higher' &&
        row.values.filter((value, modelIndex) => value !== null && models[modelIndex].activatedParams).length >= 2,
    );
  const [rowIndex, setRowIndex] = useState<number | undefined>(undefined);
  const chosen = plottable.find((entry) => entry.index === rowIndex) ?? plottable[0];
  const points = chosen
    ? models.flatMap((model, modelIndex) => {
        const value = chosen.row.values[modelIndex];
        return value !== null && model.activatedParams ? [{ label: model.name, x: model.activatedParams, y: value }] : [];
      })
    : [];
  const unplotted = models.filter((model) => !model.activatedParams).map((model) => model.name);
  const groups = categories
    .filter((category) => category.averages.some((value) => value !== null))
    .map((category) => ({ label: category.category, values: category.averages }));

  return (
    <div className="charts">
      {chosen && (
        <div>
          <div className="row" style={{ marginBottom: '0.5rem' }}>
            <label htmlFor="scatter-benchmark">Benchmark</label>
            <select id="scatter-benchmark" value={chosen.index} onChange={(event) => setRowIndex(Number(event.target.value))}>
              {plottable.map(({ row, index }) => (
                <option key={index} value={index}>
                  {row.category} · {row.benchmark} ({row.metric})
                </option>
              ))}
            </select>
          </div>
          <ScatterChart
            title={`${chosen.row.benchmark} (${chosen.row.metric}) vs activated parameters`}
            points={points}
            yLabel={chosen.row.metric}
          />
          {unplotted.length > 0 && <p className="table-note">Not plotted (parameters unpublished): {unplotted.join(', ')}.</p>}
        </div>
      )}
      {groups.length > 0 && (
        <BarChart
          title="Average score by category (benchmarks every model has)"
          series={models.map((model) => model.name)}
          groups={groups}
        />
      )}
    </div>
  );
}
