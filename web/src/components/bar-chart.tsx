import { linearScale, seriesColors } from './chart-scale.js';

export interface BarGroup {
  label: string;
  /** One value per series, null where the series has no value. */
  values: Array<number | null>;
}

/**
 * Grouped vertical bars: one group per category, one bar per series (model).
 *
 * @example <BarChart title="Average by category" series={['A', 'B']} groups={[{ label: 'Code', values: [40, 52] }]} />
 */
export function BarChart({
  title,
  series,
  groups,
  yLabel = 'Score',
}: {
  title: string;
  series: string[];
  groups: BarGroup[];
  yLabel?: string;
}) {
  const width = Math.max(560, groups.length * (series.length * 16 + 28) + 80);
  const height = 300;
  const margin = { top: 16, right: 16, bottom: 40, left: 48 };
  const values = groups.flatMap((group) => group.values.filter((value): value is number => value !== null));
  const y = linearScale([0, Math.max(...values, 1)], [height - margin.bottom, margin.top], 4);
  const groupWidth = (width - margin.left - margin.right) / Math.max(groups.length, 1);
  const barWidth = Math.min(22, (groupWidth - 16) / Math.max(series.length, 1));
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <Legend series={series} />
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} data-chart="bars">
        {y.ticks.map((tick) => (
          <g key={tick}>
            <line className="grid" x1={margin.left} x2={width - margin.right} y1={y(tick)} y2={y(tick)} />
            <text className="tick" x={margin.left - 8} y={y(tick) + 4} textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        <text
          className="axis-label"
          transform={`translate(12 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {yLabel}
        </text>
        {groups.map((group, groupIndex) => {
          const start = margin.left + groupIndex * groupWidth + (groupWidth - barWidth * series.length) / 2;
          return (
            <g key={group.label}>
              {group.values.map((value, seriesIndex) =>
                value === null ? null : (
                  <rect
                    key={seriesIndex}
                    className="bar"
                    x={start + seriesIndex * barWidth}
                    y={y(value)}
                    width={barWidth - 2}
                    height={Math.max(y(0) - y(value), 0)}
                    rx={2}
                    fill={seriesColors[seriesIndex % seriesColors.length]}
                  >
                    <title>{`${series[seriesIndex]} · ${group.label}: ${value.toFixed(1)}`}</title>
                  </rect>
                ),
              )}
              <text
                className="tick"
                x={margin.left + groupIndex * groupWidth + groupWidth / 2}
                y={height - margin.bottom + 18}
                textAnchor="middle"
              >
                {group.label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function Legend({ series }: { series: string[] }) {
  return (
    <ul className="legend">
      {series.map((name, index) => (
        <li key={name}>
          <span className="swatch" style={{ background: seriesColors[index % seriesColors.length] }} aria-hidden="true" />
          {name}
        </li>
      ))}
    </ul>
  );
}
