/**
 * A GBNF grammar (llama.cpp's grammar format) built rule by rule. Rules with the same body are
 * written once; `reserve` + `define` give a name before its body exists, for recursive rules.
 *
 * @example
 *   const grammar = new GbnfGrammar();
 *   const digit = grammar.rule('[0-9]');
 *   grammar.text(`${digit}+`); // "root ::= r1+\nr1 ::= [0-9]\n"
 */
export class GbnfGrammar {
  private readonly bodies = new Map<string, string>();
  private readonly namesByBody = new Map<string, string>();
  private count = 0;

  /** A rule with this body (an existing one when the body was seen before); returns its name. */
  rule(body: string): string {
    const existing = this.namesByBody.get(body);
    if (existing) return existing;
    const name = this.reserve();
    this.define(name, body);
    return name;
  }

  /** A fresh rule name whose body comes later through `define`. */
  reserve(): string {
    return `r${++this.count}`;
  }

  define(name: string, body: string): void {
    this.bodies.set(name, body);
    if (!this.namesByBody.has(body)) this.namesByBody.set(body, name);
  }

  /** The grammar's text, with `root ::= rootBody` first. */
  text(rootBody: string): string {
    return [`root ::= ${rootBody}`, ...[...this.bodies].map(([name, body]) => `${name} ::= ${body}`)].join('\n') + '\n';
  }
}

/** `text` as a GBNF string literal: `"…"` with quotes, backslashes and control characters escaped. */
export function gbnfLiteral(text: string): string {
  let escaped = '';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (character === '"' || character === '\\') escaped += `\\${character}`;
    else if (code < 0x20 || code === 0x7f) escaped += `\\x${code.toString(16).padStart(2, '0')}`;
    else escaped += character;
  }
  return `"${escaped}"`;
}
