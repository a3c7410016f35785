import DOMPurify from 'dompurify';
import { marked, type Token } from 'marked';
import { useMemo } from 'react';

/**
 * Renders card markdown to HTML with scripts, event handlers and javascript: URLs removed.
 * Headings move one level down: the page's own h1 is the model's name.
 */
export function renderMarkdown(source: string | Token[]): string {
  const tokens = typeof source === 'string' ? marked.lexer(source, { gfm: true }) : source;
  marked.walkTokens(tokens, (token) => {
    if (token.type === 'heading') token.depth = Math.min(token.depth + 1, 6);
  });
  return DOMPurify.sanitize(marked.parser(tokens as never, { gfm: true }), { USE_PROFILES: { html: true } });
}

/**
 * The card's prose: its tables are left out (the page renders them from the structured
 * results), as are its page title (h1), repeated paragraphs, and headings left empty.
 */
export function cardProse(source: string): Token[] {
  const tokens = marked
    .lexer(source, { gfm: true })
    .filter((token) => token.type !== 'table' && token.type !== 'space' && !(token.type === 'heading' && token.depth === 1));
  const seen = new Set<string>();
  const unique = tokens.filter((token) => token.type !== 'paragraph' || (!seen.has(token.raw.trim()) && seen.add(token.raw.trim())));
  const kept: Token[] = [];
  for (let index = unique.length - 1; index >= 0; index--) {
    const token = unique[index];
    const next = kept[0];
    if (token.type === 'heading' && (!next || (next.type === 'heading' && next.depth <= token.depth))) continue;
    kept.unshift(token);
  }
  return Object.assign(kept, { links: {} }) as Token[];
}

/** Sanitized markdown; the only place the UI sets inner HTML. */
export function Markdown({ source, prose = false, className }: { source: string; prose?: boolean; className?: string }) {
  const html = useMemo(() => renderMarkdown(prose ? cardProse(source) : source), [source, prose]);
  return <div className={`markdown ${className ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
