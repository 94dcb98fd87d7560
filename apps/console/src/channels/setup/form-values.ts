import type { ChannelAccount, ChannelKind } from '../../api/types.ts';

export type Field = ChannelKind['fields'][number];
/** What a form control holds: text (a list is one value a line), a number as typed, a switch. */
export type FormValue = string | number | boolean;
export type FormValues = Record<string, FormValue>;

/** A stored setting as its control shows it. */
function shown(field: Field, value: unknown): FormValue {
  const { input } = field;
  if (input.type === 'boolean') return value === true;
  if (input.list) return Array.isArray(value) ? value.map(String).join('\n') : '';
  if (input.type === 'number') return typeof value === 'number' ? value : '';
  return value === undefined || value === null ? '' : String(value);
}

/**
 * The form's starting values: the account's settings where it has them, else the channel's
 * defaults. Secrets always start empty: they are never sent back, and empty keeps them.
 */
export function initialValues(fields: readonly Field[], account: ChannelAccount | null): FormValues {
  return Object.fromEntries(
    fields.map((f) => {
      if (f.secret) return [f.name, ''];
      const stored = account?.settings[f.name];
      return [f.name, shown(f, stored !== undefined ? stored : f.input.default)];
    }),
  );
}

/** A control's value as the API takes it; undefined for an empty control. */
function sent(field: Field, value: FormValue): unknown {
  if (field.input.type === 'boolean') return value === true;
  if (field.input.list) {
    const items = String(value)
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    return items;
  }
  if (value === '') return undefined;
  if (field.input.type === 'number') return Number(value);
  return String(value);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A new account's config: what was filled in and differs from the channel's default, so the
 * account keeps following the defaults it did not change.
 */
export function newConfig(fields: readonly Field[], values: FormValues): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of fields) {
    const v = sent(f, values[f.name] ?? '');
    if (v === undefined || (f.input.default !== undefined && same(v, f.input.default))) continue;
    config[f.name] = v;
  }
  return config;
}

/**
 * A PATCH's config: only the fields changed from `initial`. A secret left empty is kept (left
 * out); another field emptied goes back to its default (null, as the API's merge patch reads it).
 */
export function changedConfig(fields: readonly Field[], initial: FormValues, values: FormValues): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const f of fields) {
    const now = values[f.name] ?? '';
    if (f.secret) {
      if (now !== '') config[f.name] = String(now);
      continue;
    }
    if (same(now, initial[f.name] ?? '')) continue;
    const v = sent(f, now);
    config[f.name] = v === undefined ? null : v;
  }
  return config;
}

/**
 * The API's complaints by form field: a config field's own ("accessToken"), the account's name
 * ("name"), else under "" for the form as a whole.
 */
export function errorsByField(
  details: readonly { field?: string; path?: string; message?: string }[],
  fields: readonly Field[],
): Record<string, string> {
  const names = new Set([...fields.map((f) => f.name), 'name', 'kind']);
  const out: Record<string, string> = {};
  for (const d of details) {
    const raw = (d.field ?? d.path ?? '').replace(/^config\./, '');
    const key = names.has(raw) ? raw : '';
    const message = key ? (d.message ?? '') : `${raw ? `${raw}: ` : ''}${d.message ?? ''}`;
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  }
  return out;
}
