import { formatContext } from './format.js';

export interface HeatmapCell {
  contextLength: number;
  depthPercent: number;
  score: number;
}

/** Score 0..10 (or 0..100) from red through amber to green, as NIAH plots are read. */
function cellColor(fraction: number): string {
  const hue = Math.round(Math.max(0, Math.min(1, fraction)) * 130);
  return `hsl(${hue} 70% 48%)`;
}

/**
 * Needle-in-a-haystack: context length across, needle depth down, score as colour.
 *
 * @example <Heatmap title="NIAH" cells={[{ contextLength: 131072, depthPercent: 50, score: 10 }]} />
 */
export function Heatmap({ title, cells }: { title: string; cells: HeatmapCell[] }) {
  const contexts = [...new Set(cells.map((cell) => cell.contextLength))].sort((a, b) => a - b);
  const depths = [...new Set(cells.map((cell) => cell.depthPercent))].sort((a, b) => a - b);
  const maxScore = Math.max(...cells.map((cell) => cell.score)) > 10 ? 100 : 10;
  const byKey = new Map(cells.map((cell) => [`${cell.contextLength}:${cell.depthPercent}`, cell.score]));
  const cellWidth = Math.max(14, Math.min(80, 560 / contexts.length));
  const cellHeight = Math.max(12, Math.min(28, 300 / depths.length));
  const left = 56;
  const top = 20;
  const width = Math.max(left + contexts.length * cellWidth + 8, 320);
  const height = top + depths.length * cellHeight + 44;
  const labelEvery = Math.ceil(contexts.length / 10);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} data-chart="heatmap" style={{ maxWidth: width * 1.5 }}>
        {depths.map((depth, row) => (
          <g key={depth}>
            <text className="tick" x={left - 6} y={top + row * cellHeight + cellHeight / 2 + 4} textAnchor="end">
              {depth}%
            </text>
            {contexts.map((context, column) => {
              const score = byKey.get(`${context}:${depth}`);
              return (
                <rect
                  key={context}
                  x={left + column * cellWidth}
                  y={top + row * cellHeight}
                  width={cellWidth - 1}
                  height={cellHeight - 1}
                  fill={score === undefined ? '#e5e7eb' : cellColor(score / maxScore)}
                >
                  <title>{`${formatContext(context)} tokens, depth ${depth}%: ${score ?? 'no data'}`}</title>
                </rect>
              );
            })}
          </g>
        ))}
        {contexts.map((context, column) =>
          column % labelEvery === 0 ? (
            <text
              key={context}
              className="tick"
              x={left + column * cellWidth + cellWidth / 2}
              y={top + depths.length * cellHeight + 16}
              textAnchor="middle"
            >
              {formatContext(context)}
            </text>
          ) : null,
        )}
        <text className="axis-label" x={left} y={height - 6}>
          Context length (tokens) →
        </text>
        <text className="axis-label" x={4} y={12}>
          Depth
        </text>
      </svg>
      <p className="heatmap-scale" aria-hidden="true">
        <span>0</span>
        <span className="heatmap-gradient" />
        <span>{maxScore}</span>
      </p>
    </figure>
  );
}
