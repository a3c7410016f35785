import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/providers/sse-parser.js';

/** Feeds `text` cut at every given position and collects every payload, including end(). */
function parse(text: string, cuts: number[] = []): string[] {
  const parser = new SseParser();
  const payloads: string[] = [];
  let start = 0;
  for (const cut of [...cuts, text.length]) {
    payloads.push(...parser.push(text.slice(start, cut)));
    start = cut;
  }
  return [...payloads, ...parser.end()];
}

const stream = 'data: {"a":1}\n\ndata: {"b":"x\\ny"}\n\n: keep-alive\n\ndata: [DONE]\n\n';
const expected = ['{"a":1}', '{"b":"x\\ny"}', '[DONE]'];

describe('SseParser', () => {
  it('returns each payload once its event is complete', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"a":1}\n')).toEqual([]);
    expect(parser.push('\ndata: [DO')).toEqual(['{"a":1}']);
    expect(parser.push('NE]\n\n')).toEqual(['[DONE]']);
  });

  it('gives the same payloads whatever the split, for \\n, \\r\\n and \\r line ends', () => {
    for (const ending of ['\n', '\r\n', '\r']) {
      const text = stream.replaceAll('\n', ending);
      for (let cut = 0; cut <= text.length; cut++) {
        expect(parse(text, [cut]), `ending ${JSON.stringify(ending)} cut at ${cut}`).toEqual(expected);
      }
      // one character at a time
      expect(
        parse(
          text,
          Array.from({ length: text.length }, (_, index) => index),
        ),
      ).toEqual(expected);
    }
  });

  it('does not take a \\r at the end of a chunk for a whole line end when \\n follows', () => {
    const parser = new SseParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\n\r')).toEqual([]);
    expect(parser.push('\n')).toEqual(['a']);
  });

  it('joins multi-line data with \\n and skips comments and other fields', () => {
    const text = ': comment\nevent: message_start\nid: 7\nretry: 100\ndata: line one\ndata:line two\ndata\n\n';
    expect(parse(text)).toEqual(['line one\nline two\n']);
  });

  it('strips exactly one space after the colon', () => {
    expect(parse('data:  two spaces\n\n')).toEqual([' two spaces']);
  });

  it('yields nothing for keep-alive events without data', () => {
    expect(parse(': ping\n\n: ping\n\nevent: ping\n\n')).toEqual([]);
  });

  it('keeps an event cut off at the end of the stream', () => {
    expect(parse('data: {"a":1}\n\ndata: [DONE]\n')).toEqual(['{"a":1}', '[DONE]']);
    expect(parse('data: [DONE]')).toEqual(['[DONE]']);
    expect(parse('data: [DONE]\r')).toEqual(['[DONE]']);
  });

  it('drops a leading byte order mark', () => {
    expect(parse('\uFEFFdata: a\n\n', [1])).toEqual(['a']);
  });

  it('refuses an event that grows past the limit', () => {
    const parser = new SseParser(100);
    expect(parser.push(`data: ${'x'.repeat(50)}\n`)).toEqual([]);
    expect(() => parser.push('x'.repeat(60))).toThrow('exceeds 100 characters');
  });

  it('handles multi-byte characters as text', () => {
    expect(parse('data: {"t":"héllo 世界 🎉"}\n\n', [10, 15])).toEqual(['{"t":"héllo 世界 🎉"}']);
  });
});
