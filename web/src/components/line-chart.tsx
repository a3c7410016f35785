import { linearScale, seriesColors } from './chart-scale.js';
import { Legend } from './bar-chart.js';

export interface LineSeries {
  name: string;
  /** y per x index; null where there is no point. */
  values: Array<number | null>;
}

/**
 * Lines over shared x labels (usage per hour or day, one line per key or deployment).
 *
 * @example <LineChart title="Requests" labels={['10:00', '11:00']} series={[{ name: 'chat', values: [3, 5] }]} />
 */
export function LineChart({ title, labels, series, yLabel }: { title: string; labels: string[]; series: LineSeries[]; yLabel: string }) {
  const width = 640;
  const height = 260;
  const margin = { top: 16, right: 20, bottom: 40, left: 52 };
  const values = series.flatMap((line) => line.values.filter((value): value is number => value !== null));
  const y = linearScale([0, Math.max(...values, 1)], [height - margin.bottom, margin.top], 4);
  const step = (width - margin.left - margin.right) / Math.max(labels.length - 1, 1);
  const x = (index: number) => (labels.length === 1 ? (margin.left + width - margin.right) / 2 : margin.left + index * step);
  const labelEvery = Math.ceil(labels.length / 8);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <Legend series={series.map((line) => line.name)} />
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} data-chart="line">
        {y.ticks.map((tick) => (
          <g key={tick}>
            <line className="grid" x1={margin.left} x2={width - margin.right} y1={y(tick)} y2={y(tick)} />
            <text className="tick" x={margin.left - 8} y={y(tick) + 4} textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        {labels.map((label, index) =>
          index % labelEvery === 0 ? (
            <text key={label + index} className="tick" x={x(index)} y={height - margin.bottom + 18} textAnchor="middle">
              {label}
            </text>
          ) : null,
        )}
        <text
          className="axis-label"
          transform={`translate(12 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {yLabel}
        </text>
        {series.map((line, seriesIndex) => {
          const color = seriesColors[seriesIndex % seriesColors.length];
          const points = line.values
            .map((value, index) => (value === null ? null : ([x(index), y(value)] as const)))
            .filter((point) => point !== null);
          return (
            <g key={line.name}>
              <polyline fill="none" stroke={color} strokeWidth={2} points={points.map(([px, py]) => `${px},${py}`).join(' ')} />
              {points.map(([px, py], index) => (
                <circle key={index} cx={px} cy={py} r={3} fill={color} />
              ))}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
