/** Digits of the longest integer the grammar writes (beyond 2^53 JSON numbers lose precision anyway). */
export const maxIntegerDigits = 16;

/**
 * A GBNF expression for the JSON integers in [minimum, maximum] (either bound may be absent),
 * written without leading zeros and with at most `maxIntegerDigits` digits.
 *
 * @example integerRange(1, 10) // '[1-9] | "10"' (roughly)
 */
export function integerRange(minimum: number | undefined, maximum: number | undefined): string {
  const alternatives: string[] = [];
  if (minimum === undefined || minimum < 0) {
    // Negative values: a minus sign and a magnitude in [1 or -maximum, -minimum].
    const low = maximum !== undefined && maximum < 0 ? -maximum : 1;
    const high = minimum === undefined ? Number.POSITIVE_INFINITY : -minimum;
    if (low <= high) alternatives.push(`"-" (${nonNegative(low, high)})`);
  }
  if (maximum === undefined || maximum >= 0) alternatives.push(nonNegative(Math.max(minimum ?? 0, 0), maximum ?? Number.POSITIVE_INFINITY));
  return alternatives.join(' | ');
}

/** Integers in [low, high] (0 ≤ low, high possibly infinite), one alternative per digit count. */
function nonNegative(low: number, high: number): string {
  const alternatives: string[] = [];
  const lowDigits = String(low).length;
  const highDigits = Number.isFinite(high) ? String(high).length : maxIntegerDigits;
  for (let digits = lowDigits; digits <= Math.min(highDigits, maxIntegerDigits); digits++) {
    const smallest = digits === 1 ? 0 : 10 ** (digits - 1);
    const largest = 10 ** digits - 1;
    const from = Math.max(low, smallest);
    const to = Math.min(high, largest);
    if (from > to) continue;
    alternatives.push(
      from === smallest && to === largest && digits > 1 ? `[1-9] [0-9]{${digits - 1}}` : sameLength(String(from), String(to)),
    );
  }
  return alternatives.join(' | ');
}

/** Digit strings of one length from `low` to `high` (inner digits, so leading zeros are fine here). */
function sameLength(low: string, high: string): string {
  if (low === high) return `"${low}"`;
  if (low.length === 1) return `[${low}-${high}]`;
  const rest = low.length - 1;
  if (/^0*$/.test(low.slice(1)) && /^9*$/.test(high.slice(1))) return `[${low[0]}-${high[0]}] [0-9]{${rest}}`;
  if (low[0] === high[0]) return `"${low[0]}" (${sameLength(low.slice(1), high.slice(1))})`;
  const alternatives = [`"${low[0]}" (${sameLength(low.slice(1), '9'.repeat(rest))})`];
  const [first, last] = [Number(low[0]), Number(high[0])];
  if (first + 1 <= last - 1) alternatives.push(`[${first + 1}-${last - 1}] [0-9]{${rest}}`);
  alternatives.push(`"${high[0]}" (${sameLength('0'.repeat(rest), high.slice(1))})`);
  return alternatives.join(' | ');
}
