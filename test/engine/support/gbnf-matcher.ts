/**
 * A small reader of the GBNF the grammar compiler writes (literals, character classes, rule
 * names, groups, `|`, `*`, `+`, `?`, `{m,n}`), to check grammars without a model: `accepts` tells
 * whether a whole text is in the language, `sample` writes random texts of it.
 */
type Node =
  | { kind: 'literal'; text: string }
  | { kind: 'class'; pattern: RegExp }
  | { kind: 'ref'; name: string }
  | { kind: 'sequence'; items: Node[] }
  | { kind: 'choice'; options: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number };

export class GbnfMatcher {
  private readonly rules = new Map<string, Node>();

  constructor(grammar: string) {
    for (const line of grammar.split('\n').filter(Boolean)) {
      const [, name, body] = /^([a-z0-9-]+) ::= (.*)$/.exec(line) ?? [];
      if (!name) throw new Error(`not a rule: ${line}`);
      const parser = new Parser(body);
      this.rules.set(name, parser.choice());
      if (!parser.done()) throw new Error(`unread grammar text in: ${line}`);
    }
  }

  accepts(text: string): boolean {
    return this.match(this.rules.get('root')!, text, 0, new Map()).has(text.length);
  }

  /** A random text of the language; repetitions take up to `spread` more than their minimum. */
  sample(random: () => number, spread = 3): string {
    const write = (node: Node, depth: number): string => {
      if (depth > 40) throw new Error('the grammar recursed too deep to sample');
      switch (node.kind) {
        case 'literal':
          return node.text;
        case 'class': {
          for (;;) {
            const character = String.fromCodePoint(32 + Math.floor(random() * 95));
            if (node.pattern.test(character)) return character;
          }
        }
        case 'ref':
          return write(this.rules.get(node.name)!, depth + 1);
        case 'sequence':
          return node.items.map((item) => write(item, depth)).join('');
        case 'choice':
          return write(node.options[Math.floor(random() * node.options.length)], depth);
        case 'repeat': {
          const times = node.min + Math.floor(random() * (Math.min(node.max, node.min + spread) - node.min + 1));
          return Array.from({ length: times }, () => write(node.item, depth)).join('');
        }
      }
    };
    return write(this.rules.get('root')!, 0);
  }

  /** Every position where a match of `node` starting at `start` can end. */
  private match(node: Node, text: string, start: number, memo: Map<string, Set<number>>): Set<number> {
    switch (node.kind) {
      case 'literal':
        return new Set(text.startsWith(node.text, start) ? [start + node.text.length] : []);
      case 'class': {
        const code = text.codePointAt(start);
        if (code === undefined) return new Set();
        const character = String.fromCodePoint(code);
        return new Set(node.pattern.test(character) ? [start + character.length] : []);
      }
      case 'ref': {
        const key = `${node.name}@${start}`;
        if (!memo.has(key)) {
          memo.set(key, new Set());
          memo.set(key, this.match(this.rules.get(node.name)!, text, start, memo));
        }
        return memo.get(key)!;
      }
      case 'sequence':
        return node.items.reduce(
          (positions, item) => new Set([...positions].flatMap((position) => [...this.match(item, text, position, memo)])),
          new Set([start]),
        );
      case 'choice':
        return new Set(node.options.flatMap((option) => [...this.match(option, text, start, memo)]));
      case 'repeat': {
        const ends = new Set(node.min === 0 ? [start] : []);
        let current = new Set([start]);
        const seen = new Set([start]);
        for (let times = 1; times <= node.max && current.size > 0; times++) {
          const next = new Set([...current].flatMap((position) => [...this.match(node.item, text, position, memo)]));
          current = new Set([...next].filter((position) => times <= node.min || !seen.has(position)));
          for (const position of current) {
            seen.add(position);
            if (times >= node.min) ends.add(position);
          }
        }
        return ends;
      }
    }
  }
}

class Parser {
  private position = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    this.skipSpace();
    return this.position === this.text.length;
  }

  choice(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.position++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { kind: 'choice', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    for (let next = this.peek(); next !== undefined && next !== '|' && next !== ')'; next = this.peek())
      items.push(this.postfix(this.atom()));
    return items.length === 1 ? items[0] : { kind: 'sequence', items };
  }

  private atom(): Node {
    const character = this.text[this.position];
    if (character === '(') {
      this.position++;
      const inner = this.choice();
      if (this.peek() !== ')') throw new Error(`expected ) in ${this.text}`);
      this.position++;
      return inner;
    }
    if (character === '"') {
      let literal = '';
      for (this.position++; this.text[this.position] !== '"'; this.position++) {
        if (this.text[this.position] === '\\') {
          const escaped = this.text[++this.position];
          if (escaped === 'x') {
            literal += String.fromCharCode(Number.parseInt(this.text.slice(this.position + 1, this.position + 3), 16));
            this.position += 2;
          } else literal += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
        } else literal += this.text[this.position];
      }
      this.position++;
      return { kind: 'literal', text: literal };
    }
    if (character === '[') {
      const end = this.classEnd();
      const pattern = new RegExp(`^${this.text.slice(this.position, end + 1)}$`, 'u');
      this.position = end + 1;
      return { kind: 'class', pattern };
    }
    const name = /^[a-z0-9-]+/.exec(this.text.slice(this.position))?.[0];
    if (!name) throw new Error(`unexpected ${character} in ${this.text}`);
    this.position += name.length;
    return { kind: 'ref', name };
  }

  private classEnd(): number {
    for (let index = this.position + 1; index < this.text.length; index++) {
      if (this.text[index] === '\\') index++;
      else if (this.text[index] === ']') return index;
    }
    throw new Error(`unclosed class in ${this.text}`);
  }

  private postfix(item: Node): Node {
    const character = this.text[this.position];
    if (character === '*' || character === '+' || character === '?') {
      this.position++;
      return { kind: 'repeat', item, min: character === '+' ? 1 : 0, max: character === '?' ? 1 : Number.POSITIVE_INFINITY };
    }
    const bounds = /^\{(\d+)(,(\d*))?\}/.exec(this.text.slice(this.position));
    if (!bounds) return item;
    this.position += bounds[0].length;
    const min = Number(bounds[1]);
    const max = bounds[2] === undefined ? min : bounds[3] === '' ? Number.POSITIVE_INFINITY : Number(bounds[3]);
    return { kind: 'repeat', item, min, max };
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.position];
  }

  private skipSpace(): void {
    while (this.text[this.position] === ' ') this.position++;
  }
}
