import { describe, expect, it } from 'vitest';
import { findInputProblem, MAX_INPUT_DEPTH, replaceUnsafeDeep, textProblem } from './input-safety.ts';

describe('textProblem', () => {
  it('names NUL, other controls and lone surrogates with their position', () => {
    expect(textProblem('ab\u0000')).toMatch(/NUL .* at character 3/);
    expect(textProblem('\u001b[31m')).toMatch(/U\+001B/);
    expect(textProblem('\u007f')).toMatch(/U\+007F/);
    expect(textProblem('x\ud800')).toMatch(/surrogate \(U\+D800\)/);
    expect(textProblem('\udc00x')).toMatch(/surrogate \(U\+DC00\)/);
  });

  it('accepts tab, line breaks, emoji (paired surrogates) and right-to-left text', () => {
    for (const ok of ['a\tb\r\nc', '🙂👍🏽', 'مرحبا', "'; DROP TABLE x; --", '%_\\', '']) expect(textProblem(ok)).toBeNull();
  });
});

describe('findInputProblem', () => {
  it('names the field holding the bad string, keys included', () => {
    expect(findInputProblem({ a: [{ b: 'ok' }, { c: 'no\u0000' }] }, 'body')?.field).toBe('a.1.c');
    expect(findInputProblem({ 'k\u0001': 1 }, 'body')?.message).toMatch(/name of body field k/);
    expect(findInputProblem('\u0000', 'query')?.field).toBe('query');
  });

  it('refuses nesting past the limit without recursing', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findInputProblem(deep, 'body')?.message).toMatch(`deeper than ${MAX_INPUT_DEPTH}`);
    let ok: unknown = 'x';
    for (let i = 0; i < MAX_INPUT_DEPTH; i++) ok = { k: ok };
    expect(findInputProblem(ok, 'body')).toBeNull();
  });
});

describe('replaceUnsafeDeep', () => {
  it('keeps what it can and marks what it cannot, leaving bytes and dates alone', () => {
    const bytes = new Uint8Array([0, 1, 2]);
    const when = new Date(0);
    const out = replaceUnsafeDeep({ text: 'a\u0000b', list: ['\ud800'], bytes, when, n: 1 });
    expect(out).toEqual({ text: 'a\uFFFDb', list: ['\uFFFD'], bytes, when, n: 1 });
    expect(out.bytes).toBe(bytes);
  });
});
