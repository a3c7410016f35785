import type { ModelSummary } from '../../api/types.js';

/**
 * Column order of a comparison table, as the source page lays it out: the subject's own lineage
 * first (oldest release first), then other open-weights models from small to large, then
 * API-only systems by name, and the subject itself last.
 */
export function orderColumns(subject: ModelSummary, others: ModelSummary[]): ModelSummary[] {
  const rank = (model: ModelSummary) => (model.publisher === subject.publisher ? 0 : model.openWeights ? 1 : 2);
  const sorted = [...others].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    if (rank(a) === 0) return (a.releaseDate ?? '').localeCompare(b.releaseDate ?? '');
    if (rank(a) === 1) return (a.totalParams ?? 0) - (b.totalParams ?? 0);
    return a.name.localeCompare(b.name);
  });
  return [...sorted, subject];
}
