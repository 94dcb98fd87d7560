import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChannelAdapter } from './contract.ts';
import { describeChannel } from './describe-channel.ts';
import { fieldInputs } from './field-input.ts';

const schema = z.strictObject({
  mode: z.enum(['fast', 'slow']).default('fast'),
  token: z.string().min(1),
  port: z.number().int().min(1).max(65_535).default(993),
  seconds: z.number().min(0.05).default(60),
  count: z.number().int().default(3),
  on: z.boolean().default(true),
  handle: z
    .string()
    .transform((s) => s.replace(/^@/, ''))
    .optional(),
  certificate: z.string().max(20_000).optional(),
  origins: z.array(z.url()).default([]),
  signingKey: z.string().min(16),
});

const jsonSchema = () => z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;

describe('a config schema as form inputs', () => {
  it('gives each field its kind of input, choices, default, bounds and whether it must be filled, in the schema’s order', () => {
    expect(fieldInputs(jsonSchema())).toEqual([
      ['mode', { type: 'enum', options: ['fast', 'slow'], default: 'fast', required: false }],
      ['token', { type: 'string', required: true }],
      ['port', { type: 'number', default: 993, min: 1, max: 65_535, integer: true, required: false }],
      ['seconds', { type: 'number', default: 60, min: 0.05, required: false }],
      // No bounds written: JSON Schema's safe-integer limits are not the adapter's.
      ['count', { type: 'number', default: 3, integer: true, required: false }],
      ['on', { type: 'boolean', default: true, required: false }],
      ['handle', { type: 'string', required: false }],
      ['certificate', { type: 'text', required: false }],
      ['origins', { type: 'text', list: true, default: [], required: false }],
      ['signingKey', { type: 'string', required: true }],
    ]);
  });

  it('reads a nullable field as its non-null type', () => {
    const nullable = z.toJSONSchema(z.object({ limit: z.number().max(10).nullable().default(null) }), { io: 'input' });
    expect(fieldInputs(nullable as Record<string, unknown>)).toEqual([
      ['limit', { type: 'number', max: 10, default: null, required: false }],
    ]);
  });

  it('is empty for a schema with no properties', () => {
    expect(fieldInputs({})).toEqual([]);
  });
});

const adapter = (jsonSchemaOf?: () => Record<string, unknown>) =>
  ({
    kind: 'sample',
    displayName: 'Sample',
    presentation: { fields: { token: { label: 'Access token', help: 'From the provider.' }, extra: { label: 'Extra' } } },
    config: {
      parse: (raw: unknown) => schema.parse(raw),
      secretKeys: ['token', 'signingKey'],
      generate: () => ({ signingKey: 'generated-signing-key' }),
      ...(jsonSchemaOf ? { jsonSchema: jsonSchemaOf } : {}),
    },
  }) as unknown as ChannelAdapter;

describe('describeChannel’s fields', () => {
  it('lists the schema’s fields in its order with the adapter’s labels, then labelled fields the schema lacks as free text', () => {
    const fields = describeChannel(adapter(jsonSchema)).fields;
    expect(fields.map((f) => f.name)).toEqual([
      'mode',
      'token',
      'port',
      'seconds',
      'count',
      'on',
      'handle',
      'certificate',
      'origins',
      'signingKey',
      'extra',
    ]);
    expect(fields.find((f) => f.name === 'token')).toEqual({
      name: 'token',
      label: 'Access token',
      help: 'From the provider.',
      secret: true,
      input: { type: 'string', required: true },
    });
    expect(fields.find((f) => f.name === 'extra')?.input).toEqual({ type: 'string', required: false });
    // What the adapter generates for a new account need not be typed in.
    expect(fields.find((f) => f.name === 'signingKey')).toMatchObject({ secret: true, input: { required: false } });
  });

  it('without a schema, asks for each labelled and secret field as free text', () => {
    const fields = describeChannel(adapter()).fields;
    expect(fields.map((f) => [f.name, f.input.type, f.input.required])).toEqual([
      ['token', 'string', false],
      ['extra', 'string', false],
      ['signingKey', 'string', false],
    ]);
  });
});
