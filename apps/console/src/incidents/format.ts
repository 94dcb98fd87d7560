// Pure helpers of the incident screens: how an incident is named, durations, money, the codes a
// supervisor types, and the bars of a small chart. Tested in format.test.ts.

/** What people call an incident: INC-7. */
export const incidentRef = (n: number) => `INC-${n}`;

/** "45 min", "2 h 05 min", "3 d 4 h": short enough for a card, the same abbreviations in Spanish and English. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Seconds as a duration, under a minute in seconds (a broadcast's first update can be that quick). */
export function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${Math.max(0, Math.round(seconds))} s` : formatDuration(seconds * 1000);
}

/** Millionths of a currency unit (the usage ledger's unit) in the reader's language. */
export function formatMoney(micros: number, currency: string | null, lang: string): string {
  const amount = micros / 1_000_000;
  if (!currency) return new Intl.NumberFormat(lang, { maximumFractionDigits: 4 }).format(amount);
  return new Intl.NumberFormat(lang, { style: 'currency', currency, maximumFractionDigits: amount > 0 && amount < 0.01 ? 4 : 2 }).format(
    amount,
  );
}

/** A country (ES) or a subdivision (ES-MD, ES-M) as ISO 3166 writes them. */
const REGION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

/** A region as typed ("es-md ") in its canonical form, or null when it is not one. */
export function regionCode(typed: string): string | null {
  const code = typed.trim().toUpperCase();
  return REGION.test(code) ? code : null;
}

/** A language code as typed ("ES") in its canonical form (ISO 639-1, two or three letters), or null. */
export function languageCode(typed: string): string | null {
  const code = typed.trim().toLowerCase();
  return /^[a-z]{2,3}$/.test(code) ? code : null;
}

/** Other wordings of an update, one per line, empty lines dropped. */
export function variantLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** A Date as a `datetime-local` field shows it, in the browser's time zone. */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** What a `datetime-local` field holds, as an ISO instant, or null when it is empty or not a time. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export interface Bar {
  at: string;
  count: number;
  /** 0..1 of the tallest bar. */
  height: number;
}

/** The last `max` points as bars scaled to the tallest (a chart of zeros is flat, not divided by zero). */
export function bars(points: readonly { at: string; count: number }[], max = 48): Bar[] {
  const shown = points.slice(-max);
  const top = Math.max(1, ...shown.map((p) => p.count));
  return shown.map((p) => ({ at: p.at, count: p.count, height: p.count / top }));
}

/** A `{ key: n }` count as rows, the largest first, then by key. */
export function countRows(counts: Record<string, number> | undefined): { key: string; count: number }[] {
  return Object.entries(counts ?? {})
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}
