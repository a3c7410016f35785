import { Fragment } from 'react';
import type { ModelSummary } from '../../api/types.js';
import { formatParams } from '../../components/format.js';
import { TableScroll } from '../../components/table-scroll.js';
import { markRow } from './mark-best.js';

export interface TableRow {
  benchmarkId: string;
  name: string;
  category: string;
  metric: string;
  shots: number | null;
  direction: 'higher' | 'lower';
  /** One value per column; null is the source's "-". */
  values: Array<number | null>;
}

export interface ComparisonTableData {
  suite: string;
  columns: ModelSummary[];
  /** Index of the model the page is about (highlighted). */
  subjectIndex: number;
  rows: TableRow[];
}

/** "DROP (3-shot F1)" in the chat table (no shots column); "DROP (F1)" in the base table. */
export function rowLabel(row: TableRow, withShotsColumn: boolean): string {
  const metric = !withShotsColumn && row.shots !== null ? `${row.shots}-shot ${row.metric}` : row.metric;
  return `${row.name} (${metric})`;
}

const architectureOf = (model: ModelSummary) => (model.architecture && model.architecture !== 'unknown' ? model.architecture : '-');

/**
 * A benchmark table against other systems, laid out as the source page's: spec rows
 * (architecture, activated and total parameters), then benchmarks grouped by category, the best
 * value of each row in bold and values at the same level (gap ≤ 0.3) in bold too.
 */
export function BenchmarkTable({
  table,
  caption,
  withShotsColumn,
}: {
  table: ComparisonTableData;
  caption: string;
  withShotsColumn: boolean;
}) {
  const specRows: Array<[string, (model: ModelSummary) => string]> = [
    ['Architecture', architectureOf],
    ['# Activated Params', (model) => formatParams(model.activatedParams)],
    ['# Total Params', (model) => formatParams(model.totalParams)],
  ];
  const subjectClass = (index: number) => (index === table.subjectIndex ? 'subject' : undefined);
  let previousCategory = '';
  return (
    <TableScroll label={caption}>
      <table data-suite={table.suite}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col"> </th>
            <th scope="col">Benchmark (Metric)</th>
            {withShotsColumn && <th scope="col"># Shots</th>}
            {table.columns.map((model, index) => (
              <th key={model.id} scope="col" className={`number ${subjectClass(index) ?? ''}`} data-model={model.id}>
                {model.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {specRows.map(([label, cell]) => (
            <tr key={label} className="spec-row">
              <td />
              <th scope="row">{label} (-)</th>
              {withShotsColumn && <td>-</td>}
              {table.columns.map((model, index) => (
                <td key={model.id} className={`number ${subjectClass(index) ?? ''}`}>
                  {cell(model)}
                </td>
              ))}
            </tr>
          ))}
          {table.rows.map((row) => {
            const marks = markRow(row.values, row.direction);
            const categoryStart = row.category !== previousCategory;
            previousCategory = row.category;
            const span = categoryStart ? table.rows.filter((other) => other.category === row.category).length : 0;
            return (
              <Fragment key={row.benchmarkId}>
                <tr className={categoryStart ? 'category-start' : undefined} data-benchmark={row.benchmarkId}>
                  {categoryStart && (
                    <td className="category" rowSpan={span}>
                      {row.category}
                    </td>
                  )}
                  <th scope="row" data-category={row.category}>
                    {rowLabel(row, withShotsColumn)}
                  </th>
                  {withShotsColumn && <td>{row.shots === null ? '-' : `${row.shots}-shot`}</td>}
                  {row.values.map((value, index) => (
                    <td
                      key={table.columns[index].id}
                      className={['number', subjectClass(index), marks[index] ? 'best' : '', marks[index] === 'best' ? 'top' : '']
                        .filter(Boolean)
                        .join(' ')}
                      data-mark={marks[index] ?? undefined}
                    >
                      {value === null ? '-' : marks[index] ? <strong>{formatValue(value)}</strong> : formatValue(value)}
                    </td>
                  ))}
                </tr>
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Values as the source prints them: one decimal for scores, three for BPB-scale numbers. */
export function formatValue(value: number): string {
  return Math.abs(value) < 1 && value !== 0 ? value.toFixed(3) : value.toFixed(1);
}
