import { marked, type Tokens } from 'marked';

/** Every table of a card's markdown as rows of cell texts, as printed (bold markers dropped). */
export function cardTables(markdown: string): string[][][] {
  const tables: string[][][] = [];
  marked.walkTokens(marked.lexer(markdown, { gfm: true }), (token) => {
    if (token.type !== 'table') return;
    const { header, rows } = token as Tokens.Table;
    tables.push([header, ...rows].map((row) => row.map((cell) => cell.text.replace(/\*/g, '').trim())));
  });
  return tables;
}

/**
 * Puts items in the order the card's own tables list them. An item is known by the cells it prints
 * (its values in the table's row order, or its name); a row or a column of a card table holding
 * those cells, in that order, stands for it. The first table where every item finds a line of its
 * own gives the order; without one (a card that has no such table) the items keep theirs.
 *
 * @example followCard(cardTables(model.description), family, (member) => [member.name])
 */
export function followCard<T>(tables: string[][][], items: T[], cellsOf: (item: T) => string[]): T[] {
  const cells = items.map(cellsOf);
  if (items.length < 2 || cells.some((printed) => printed.length === 0)) return items;
  for (const rows of tables) {
    const columns = rows[0].map((_, index) => rows.map((row) => row[index] ?? ''));
    for (const lines of [rows, columns]) {
      const positions = cells.map((printed) => lines.findIndex((line) => holdsInOrder(line, printed)));
      if (positions.every((position) => position >= 0) && new Set(positions).size === items.length) {
        return items
          .map((item, index) => ({ item, position: positions[index] }))
          .sort((a, b) => a.position - b.position)
          .map(({ item }) => item);
      }
    }
  }
  return items;
}

/** Whether `cells` appear in `line` in order (other cells may come between: labels, spec rows). */
function holdsInOrder(line: string[], cells: string[]): boolean {
  let found = 0;
  for (const cell of line) if (cell === cells[found] && ++found === cells.length) return true;
  return false;
}
