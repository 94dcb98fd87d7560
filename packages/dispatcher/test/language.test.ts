import { describe, expect, it } from 'vitest';
import { primaryLanguage } from '../src/queue.ts';

describe('primaryLanguage', () => {
  it('reads a locale from a channel as the language agents list', () => {
    expect(['pt-BR', 'es_ES', ' EN ', 'ca', '', null, undefined].map(primaryLanguage)).toEqual(['pt', 'es', 'en', 'ca', null, null, null]);
  });
});
