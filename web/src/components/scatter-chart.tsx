import { formatParams } from './format.js';
import { linearScale, logScale, seriesColors } from './chart-scale.js';

export interface ScatterPoint {
  label: string;
  x: number;
  y: number;
}

/**
 * Score against parameters on a log axis: points up and to the left are the efficient models.
 *
 * @example <ScatterChart title="MMLU vs activated params" points={[{ label: 'DeepSeek-V3', x: 37e9, y: 88.5 }]} yLabel="Score" />
 */
export function ScatterChart({
  points,
  title,
  xLabel = 'Activated parameters',
  yLabel,
}: {
  points: ScatterPoint[];
  title: string;
  xLabel?: string;
  yLabel: string;
}) {
  const width = 560;
  const height = 320;
  const margin = { top: 16, right: 24, bottom: 44, left: 52 };
  const x = logScale(
    [Math.min(...points.map((point) => point.x)), Math.max(...points.map((point) => point.x))],
    [margin.left, width - margin.right],
  );
  const y = linearScale(
    [Math.min(...points.map((point) => point.y)), Math.max(...points.map((point) => point.y))],
    [height - margin.bottom, margin.top],
    4,
  );
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} data-chart="scatter">
        {y.ticks.map((tick) => (
          <g key={`y${tick}`}>
            <line className="grid" x1={margin.left} x2={width - margin.right} y1={y(tick)} y2={y(tick)} />
            <text className="tick" x={margin.left - 8} y={y(tick) + 4} textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        {x.ticks.map((tick) => (
          <g key={`x${tick}`}>
            <line className="grid" x1={x(tick)} x2={x(tick)} y1={margin.top} y2={height - margin.bottom} />
            <text className="tick" x={x(tick)} y={height - margin.bottom + 16} textAnchor="middle">
              {formatParams(tick)}
            </text>
          </g>
        ))}
        <text className="axis-label" x={(margin.left + width - margin.right) / 2} y={height - 6} textAnchor="middle">
          {xLabel} (log)
        </text>
        <text
          className="axis-label"
          transform={`translate(14 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)`}
          textAnchor="middle"
        >
          {yLabel}
        </text>
        {points.map((point, index) => (
          <g key={point.label} className="point">
            <circle
              cx={x(point.x)}
              cy={y(point.y)}
              r={7}
              fill={seriesColors[index % seriesColors.length]}
              fillOpacity={0.85}
              stroke="white"
              strokeWidth={2}
            >
              <title>{`${point.label}: ${point.y} at ${formatParams(point.x)}`}</title>
            </circle>
            <text
              className="point-label"
              x={x(point.x) + (x(point.x) > width * 0.7 ? -10 : 10)}
              y={y(point.y) - 8}
              textAnchor={x(point.x) > width * 0.7 ? 'end' : 'start'}
            >
              {point.label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
