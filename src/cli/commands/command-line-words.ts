import { CliError } from '../cli-error.js';

/**
 * Splits a command line into words the way a POSIX shell would for plain quoting: spaces
 * separate, '…' and "…" group, backslash escapes (no variables, globs or substitutions).
 *
 * @example commandLineWords(`llama-server -m "/models/my model.gguf" --port {port}`)
 *   // ['llama-server', '-m', '/models/my model.gguf', '--port', '{port}']
 */
export function commandLineWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index];
    if (quote) {
      if (character === quote) quote = undefined;
      else if (character === '\\' && quote === '"' && index + 1 < line.length) word += line[++index];
      else word += character;
    } else if (character === "'" || character === '"') {
      quote = character;
      word ??= '';
    } else if (character === '\\' && index + 1 < line.length) {
      word = (word ?? '') + line[++index];
    } else if (/\s/.test(character)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + character;
    }
  }
  if (quote) throw new CliError(`unterminated ${quote} in --command`);
  if (word !== undefined) words.push(word);
  return words;
}
