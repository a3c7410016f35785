import { TableScroll } from '../../components/table-scroll.js';
import { Link } from '../../router.js';
import { formatContext, formatParams } from '../../components/format.js';
import { formatValue } from '../model/benchmark-table.js';
import type { Comparison } from './comparison-types.js';

/** The aligned table: one column per model, one row per shared benchmark, best level in bold. */
export function ComparisonTable({ comparison }: { comparison: Comparison }) {
  const { models, rows } = comparison;
  return (
    <TableScroll label="Benchmark comparison">
      <table data-testid="comparison-table">
        <caption className="visually-hidden">Benchmark comparison</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            <th scope="col">Benchmark (Metric)</th>
            <th scope="col"># Shots</th>
            {models.map((model) => (
              <th key={model.id} scope="col" className="number">
                <Link to={`/models/${model.id}`}>{model.name}</Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="spec-row">
            <td />
            <th scope="row">Activated / total params</th>
            <td>-</td>
            {models.map((model) => (
              <td key={model.id} className="number">
                {formatParams(model.activatedParams)} / {formatParams(model.totalParams)}
              </td>
            ))}
          </tr>
          <tr className="spec-row">
            <td />
            <th scope="row">Context length</th>
            <td>-</td>
            {models.map((model) => (
              <td key={model.id} className="number">
                {formatContext(model.contextLength)}
              </td>
            ))}
          </tr>
          {rows.map((row, rowIndex) => (
            <tr
              key={`${row.benchmarkIds.join('+')}:${row.setting}`}
              className={rowIndex === 0 || rows[rowIndex - 1].category !== row.category ? 'category-start' : undefined}
            >
              <td className="category">{rowIndex === 0 || rows[rowIndex - 1].category !== row.category ? row.category : ''}</td>
              <th scope="row">
                {row.benchmark} ({row.metric}
                {row.setting ? `, ${row.setting}` : ''})
              </th>
              <td>{row.shots === null ? '-' : `${row.shots}-shot`}</td>
              {row.values.map((value, index) => (
                <td key={models[index].id} className={`number${row.best[index] ? ' best' : ''}`}>
                  {value === null ? '-' : row.best[index] ? <strong>{formatValue(value)}</strong> : formatValue(value)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
