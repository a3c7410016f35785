import type { ComparisonTableData } from './benchmark-table.js';
import { formatValue } from './benchmark-table.js';
import { markRow } from './mark-best.js';
import { TableScroll } from '../../components/table-scroll.js';

/** Open-ended generation (Arena-Hard, AlpacaEval 2.0): one row per model, as on the source page. */
export function OpenEndedTable({ table }: { table: ComparisonTableData }) {
  const marks = table.rows.map((row) => markRow(row.values, row.direction));
  return (
    <TableScroll label="Open-ended generation">
      <table data-suite="open-ended">
        <caption className="visually-hidden">Open-ended generation</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            {table.rows.map((row) => (
              <th key={row.benchmarkId} scope="col" className="number" title={row.metric}>
                {row.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.columns.map((model, modelIndex) => (
            <tr key={model.id} data-model={model.id} className={modelIndex === table.subjectIndex ? 'subject' : undefined}>
              <th scope="row" className={modelIndex === table.subjectIndex ? 'subject' : undefined}>
                {model.name}
              </th>
              {table.rows.map((row, rowIndex) => {
                const value = row.values[modelIndex];
                const mark = marks[rowIndex][modelIndex];
                return (
                  <td
                    key={row.benchmarkId}
                    className={['number', mark ? 'best' : '', mark === 'best' ? 'top' : ''].filter(Boolean).join(' ')}
                    data-mark={mark ?? undefined}
                  >
                    {value === null ? '-' : mark ? <strong>{formatValue(value)}</strong> : formatValue(value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
