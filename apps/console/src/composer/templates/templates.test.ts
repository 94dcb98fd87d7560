import type { MessageTemplate } from '@centralita/channel-kit/templates';
import { describe, expect, it } from 'vitest';
import { choiceOf, closeness, groupTemplates, parameterProblems, sendable } from './templates.ts';

const template = (name: string, language: string, status = 'approved'): MessageTemplate => ({
  name,
  language,
  category: 'utility',
  status,
  header: null,
  body: 'Hola {{1}}',
  footer: null,
  parameters: [{ key: 'body.1', label: 'Body {{1}}' }],
});

describe('choosing a template', () => {
  it('lists the customer’s language first, then the rest by code; approved ones first, then by name', () => {
    const list = [template('b_en', 'en_US'), template('z_es', 'es', 'pending'), template('a_es', 'es'), template('a_fr', 'fr')];
    const groups = groupTemplates(list, '', 'es-ES');
    expect(groups.map((g) => [g.language, g.preferred, g.templates.map((t) => t.name)])).toEqual([
      ['es', true, ['a_es', 'z_es']],
      ['en_US', false, ['b_en']],
      ['fr', false, ['a_fr']],
    ]);
    expect(groupTemplates(list, '', null).map((g) => g.language)).toEqual(['en_US', 'es', 'fr']);
  });

  it('finds templates by name whether typed with spaces or underscores', () => {
    const list = [template('order_update', 'es'), template('appointment_reminder', 'en')];
    expect(groupTemplates(list, 'Order Up', null).flatMap((g) => g.templates.map((t) => t.name))).toEqual(['order_update']);
  });

  it('matches a language by its tag, else by its first part', () => {
    expect(closeness('en_US', 'en-us')).toBe(2);
    expect(closeness('en_GB', 'en')).toBe(1);
    expect(closeness('es', 'en')).toBe(0);
  });

  it('names each parameter’s problem as the server would refuse it, and sends only the template’s own keys', () => {
    const t = template('order_update', 'es');
    expect(parameterProblems(t, {})).toEqual({ 'body.1': 'empty' });
    expect(parameterProblems(t, { 'body.1': 'a\tb' })).toEqual({ 'body.1': 'spacing' });
    expect(parameterProblems(t, { 'body.1': 'x'.repeat(1025) })).toEqual({ 'body.1': 'tooLong' });
    expect(sendable(t, { 'body.1': 'Ana', 'body.2': 'left over' })).toBe(true);
    expect(choiceOf(t, { 'body.1': 'Ana', 'body.2': 'left over' })).toEqual({
      name: 'order_update',
      language: 'es',
      parameters: { 'body.1': 'Ana' },
    });
    expect(sendable({ ...t, status: 'pending' }, { 'body.1': 'Ana' })).toBe(false);
  });
});
