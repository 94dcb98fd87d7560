import { describe, expect, it } from 'vitest';
import type { ChannelAccount } from '../../api/types.ts';
import { changedConfig, errorsByField, type Field, initialValues, newConfig } from './form-values.ts';

const field = (name: string, input: Field['input'], secret = false): Field => ({ name, label: name, help: null, secret, input });

const FIELDS: Field[] = [
  field('token', { type: 'string', required: true }, true),
  field('tier', { type: 'enum', options: ['a', 'b'], default: 'a', required: false }),
  field('seconds', { type: 'number', default: 60, required: false }),
  field('on', { type: 'boolean', default: true, required: false }),
  field('origins', { type: 'text', list: true, default: [], required: false }),
  field('handle', { type: 'string', required: false }),
];

const account = { settings: { seconds: 5, origins: ['https://a.test', 'https://b.test'], handle: 'brand' } } as unknown as ChannelAccount;

describe('the account form’s values', () => {
  it('start from the account’s settings, else the defaults; secrets start empty', () => {
    expect(initialValues(FIELDS, account)).toEqual({
      token: '',
      tier: 'a',
      seconds: 5,
      on: true,
      origins: 'https://a.test\nhttps://b.test',
      handle: 'brand',
    });
  });

  it('make a new account’s config of what was filled in and differs from the defaults', () => {
    const values = { ...initialValues(FIELDS, null), token: 'secret', seconds: 30, origins: ' https://a.test \n\n' };
    expect(newConfig(FIELDS, values)).toEqual({ token: 'secret', seconds: 30, origins: ['https://a.test'] });
  });

  it('patch only what changed: an empty secret is kept, an emptied field goes back to its default', () => {
    const initial = initialValues(FIELDS, account);
    expect(changedConfig(FIELDS, initial, initial)).toEqual({});
    expect(changedConfig(FIELDS, initial, { ...initial, seconds: 30, handle: '', on: false })).toEqual({
      seconds: 30,
      handle: null,
      on: false,
    });
    expect(changedConfig(FIELDS, initial, { ...initial, token: 'new' })).toEqual({ token: 'new' });
  });

  it('put the API’s complaints on the fields they name, the rest on the form', () => {
    expect(
      errorsByField(
        [
          { path: 'token', message: 'required' },
          { field: 'name', message: 'too short' },
          { field: 'config.seconds', message: 'too small' },
          { path: '(root)', message: 'bad' },
        ],
        FIELDS,
      ),
    ).toEqual({ token: 'required', name: 'too short', seconds: 'too small', '': '(root): bad' });
  });
});
