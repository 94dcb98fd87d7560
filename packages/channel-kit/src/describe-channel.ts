import type { Visibility } from '@centralita/core';
import type { ChannelAdapter } from './contract.ts';
import { type FieldInput, fieldInputs, PLAIN_INPUT } from './field-input.ts';
import { DEFAULT_CHANNEL_ICON, type PresentationLocale, type TextCounting } from './presentation.ts';

const VISIBILITY_LABELS: Record<Visibility, string> = { public: 'Public', private: 'Private' };

/** "imapHost" → "Imap host": a label for a field the adapter did not label. */
function humanise(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * How a console shows an adapter: its own presentation, with defaults for what it leaves out (a
 * generic icon, a label made from each field's name, "Public" and "Private"). Fields are its
 * config schema's, in the schema's order, plus any it labels or keeps secret that the schema
 * lacks; each is marked secret or not, with the form input its schema describes (free text
 * without one). `locales` carries its words in
 * other languages as it declared them (empty when it has none); a console falls back to the English.
 * `textCounting` is how it counts length (null: one per code point).
 */
export function describeChannel(adapter: ChannelAdapter): {
  icon: string;
  fields: { name: string; label: string; help: string | null; secret: boolean; input: FieldInput }[];
  visibilityLabels: Record<Visibility, string>;
  locales: Readonly<Record<string, PresentationLocale>>;
  textCounting: TextCounting | null;
} {
  const p = adapter.presentation;
  const secret = new Set(adapter.config.secretKeys);
  const generated = new Set(Object.keys(adapter.config.generate?.() ?? {}));
  const inputs = new Map(fieldInputs(adapter.config.jsonSchema?.() ?? {}));
  const names = [...new Set([...inputs.keys(), ...Object.keys(p?.fields ?? {}), ...adapter.config.secretKeys])];
  return {
    icon: p?.icon ?? DEFAULT_CHANNEL_ICON,
    fields: names.map((name) => ({
      name,
      label: p?.fields[name]?.label ?? humanise(name),
      help: p?.fields[name]?.help ?? null,
      secret: secret.has(name),
      // A value the adapter generates for a new account (a signing key) need not be typed.
      input: generated.has(name) ? { ...(inputs.get(name) ?? PLAIN_INPUT), required: false } : (inputs.get(name) ?? PLAIN_INPUT),
    })),
    visibilityLabels: { ...VISIBILITY_LABELS, ...p?.visibilities } as Record<Visibility, string>,
    locales: p?.locales ?? {},
    textCounting: p?.textCounting ?? null,
  };
}
