/**
 * The seed's bold rule: the best value of a row is bold, and so is every value whose gap to the
 * best does not exceed 0.3 ("scores with a gap not exceeding 0.3 are considered to be at the
 * same level"). The gap is in score points, so it applies to higher-is-better scores; a
 * lower-is-better metric such as bits per byte (BPB, ~0.5) marks only its best value.
 */
export type Mark = 'best' | 'same-level' | null;

export const sameLevelGap = 0.3;

export function markRow(values: Array<number | null | undefined>, direction: 'higher' | 'lower' = 'higher'): Mark[] {
  const present = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  if (present.length < 2) return values.map(() => null);
  const best = direction === 'lower' ? Math.min(...present) : Math.max(...present);
  const gap = direction === 'lower' ? 0 : sameLevelGap;
  return values.map((value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return null;
    if (value === best) return 'best';
    // 1e-9 absorbs binary rounding (88.5 - 88.2 is 0.30000000000000426).
    return Math.abs(best - value) <= gap + 1e-9 ? 'same-level' : null;
  });
}
