import { sql, type RawBuilder } from 'kysely';
import type { DialectName } from '../store/dialect-name.js';

/**
 * Turns free text into a safe full-text condition. User text is never passed through as query
 * syntax: it is cut into words (letters and digits, as both indexes tokenize), each word is
 * quoted as a literal prefix term and the terms are ANDed. Quotes, `*`, `NEAR`, `OR`, `-` and SQL
 * fragments are just words or separators. Text with no words gives no condition.
 *
 * @example searchWords(`"qwen2.5" OR *`) // ['qwen2', '5', 'or']
 */
export function searchWords(text: string | undefined): string[] {
  if (!text) return [];
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, 16);
}

/** FTS5 MATCH expression: `"word"* "word"*` (implicit AND; each term a quoted prefix string). */
export function fts5Expression(words: string[]): string {
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' ');
}

/** PostgreSQL tsquery text: `word:* & word:*`, words quoted so no operator survives. */
export function tsqueryExpression(words: string[]): string {
  return words.map((word) => `'${word.replaceAll("'", "''").replaceAll('\\', '\\\\')}':*`).join(' & ');
}

/** The condition matching models whose text contains every word; `models` must be aliased `m`. */
export function fullTextCondition(dialect: DialectName, words: string[]): RawBuilder<boolean> {
  if (dialect === 'sqlite') {
    return sql<boolean>`m.seq in (select rowid from models_fts where models_fts match ${fts5Expression(words)})`;
  }
  return sql<boolean>`m.search @@ to_tsquery('simple', ${tsqueryExpression(words)})`;
}
