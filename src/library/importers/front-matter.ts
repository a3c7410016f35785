import YAML from 'yaml';

/** Splits a markdown document into its YAML front matter (between `---` lines) and body. */
export function splitFrontMatter(text: string): { data: Record<string, unknown>; body: string } {
  const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) return { data: {}, body: text };
  const data = YAML.parse(match[1]) ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new Error('front matter must be a YAML mapping');
  return { data: data as Record<string, unknown>, body: text.slice(match[0].length) };
}
