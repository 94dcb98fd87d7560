import type { FormValue } from './form-values.ts';

export type FieldWarning = 'whatsappWeb';

/**
 * Values whose consequence an administrator must read before saving, said under the field: a
 * WhatsApp account in `web` mode automates WhatsApp Web, which WhatsApp forbids businesses and
 * may block the number for.
 */
const WARNINGS: { kind: string; field: string; when(value: FormValue): boolean; warning: FieldWarning }[] = [
  { kind: 'whatsapp', field: 'mode', when: (v) => v === 'web', warning: 'whatsappWeb' },
];

export function fieldWarning(kind: string | undefined, field: string, value: FormValue | undefined): FieldWarning | null {
  if (value === undefined) return null;
  return WARNINGS.find((w) => w.kind === kind && w.field === field && w.when(value))?.warning ?? null;
}
