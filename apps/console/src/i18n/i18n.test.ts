import { describe, expect, it } from 'vitest';
import { resources } from './index.tsx';

function leaves(tree: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v as object, key)) out.set(kk, vv);
  }
  return out;
}

describe('translations', () => {
  const en = leaves(resources.en.translation);
  const es = leaves(resources.es.translation);

  it('Spanish and English hold exactly the same keys', () => {
    expect([...en.keys()].filter((k) => !es.has(k))).toEqual([]);
    expect([...es.keys()].filter((k) => !en.has(k))).toEqual([]);
  });

  it('no text is left empty, and each keeps the same {{placeholders}}', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of en) {
      expect(text.trim(), key).not.toBe('');
      expect(es.get(key)?.trim(), key).not.toBe('');
      expect(placeholders(es.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });
});
