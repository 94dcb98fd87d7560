import { describe, expect, it } from 'vitest';
import * as channels from './channels.ts';
import * as contact from './contact.ts';
import * as conversation from './conversation.ts';
import * as handoff from './handoff.ts';
import { resources } from './index.tsx';
import * as merge from './merge.ts';
import * as privacy from './privacy.ts';
import * as rules from './rules.ts';
import * as supervisor from './supervisor.ts';
import * as templates from './templates.ts';

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
  // With the words of the screens that bring their own (addScreenStrings).
  const lazy = { conversation, contact, handoff, merge, privacy, supervisor, rules, channels, templates };
  const all = (lang: 'en' | 'es') => ({
    ...resources[lang].translation,
    ...Object.fromEntries(Object.entries(lazy).map(([k, v]) => [k, v[lang]])),
  });
  const en = leaves(all('en'));
  const es = leaves(all('es'));

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
