import type { Principal, StoredMessage } from '@centralita/db';
import { maskText, PII_TYPES, type PiiFinding, type PiiType } from '@centralita/privacy';

// What each reader sees of the personal data the guard found (docs/privacy.md#who-sees-what):
// everything for a principal with `pii.view`, the masked text for the others. Masking works on
// the findings stored with the message, so no read path scans again and the raw text stays stored.

/** One finding as the API shows it: where it is in `text`, never what it is. */
export interface FindingSpan {
  type: PiiType;
  start: number;
  end: number;
  confidence: number;
  /** For `custom`: the workspace pattern's name. */
  label?: string;
}

/**
 * What the guard found in a message, as kept in its `metadata.pii` (written before the message is
 * stored; see `PrivacyGuard.annotate`). Offsets are UTF-16, into the field each list belongs to.
 */
export interface StoredPii {
  types: PiiType[];
  /** Findings in `text`. */
  findings: FindingSpan[];
  /** Findings in `fullText`, when the message has one ([] when it was scanned and clean). */
  fullText?: FindingSpan[];
  /** Findings in `subject`, when the message has one. */
  subject?: FindingSpan[];
}

/** `privacy` on every message the API or sockets return; null when nothing was found. */
export interface MessagePrivacy {
  types: PiiType[];
  findings: FindingSpan[];
  /** Whether text, fullText, subject and html were masked for this reader. */
  masked: boolean;
}

/** A message as the API and sockets give it: the stored message with its privacy findings. */
export type ApiMessage = StoredMessage & { privacy: MessagePrivacy | null };

/** Whether this reader sees personal data as written (`pii.view`), or masked. */
export function seesPii(p: Pick<Principal, 'permissions'>): boolean {
  return p.permissions.includes('pii.view');
}

const isType = (t: unknown): t is PiiType => typeof t === 'string' && (PII_TYPES as readonly string[]).includes(t);

function readSpans(raw: unknown): FindingSpan[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const out: FindingSpan[] = [];
  for (const f of raw as Partial<PiiFinding>[]) {
    if (!f || !isType(f.type) || !Number.isInteger(f.start) || !Number.isInteger(f.end)) continue;
    const span: FindingSpan = { type: f.type, start: f.start as number, end: f.end as number, confidence: Number(f.confidence ?? 1) };
    if (typeof f.label === 'string') span.label = f.label;
    out.push(span);
  }
  return out;
}

/** A message's `metadata.pii`, read defensively (metadata is free-form JSON); null when absent. */
export function readPii(raw: unknown): StoredPii | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const findings = readSpans(r.findings) ?? [];
  const fullText = readSpans(r.fullText);
  const subject = readSpans(r.subject);
  const all = [...findings, ...(fullText ?? []), ...(subject ?? [])];
  if (all.length === 0) return null;
  const pii: StoredPii = { types: [...new Set(all.map((f) => f.type))], findings };
  if (fullText) pii.fullText = fullText;
  if (subject) pii.subject = subject;
  return pii;
}

/** Turns findings into what `metadata.pii` keeps: spans and confidence, never the matched text. */
export function toSpans(findings: readonly PiiFinding[]): FindingSpan[] {
  return findings.map((f) => ({
    type: f.type,
    start: f.start,
    end: f.end,
    confidence: Math.round(f.confidence * 100) / 100,
    ...(f.label ? { label: f.label } : {}),
  }));
}

/**
 * A message for one reader. Without `pii.view`: text, fullText and subject masked with their
 * stored findings (a field with no findings list of its own is withheld rather than guessed at),
 * and html dropped: masking inside markup could leave the data in an attribute or split across
 * tags, so masked readers get the text, which the console shows instead.
 */
export function presentMessage(m: StoredMessage, sees: boolean): ApiMessage {
  const pii = readPii(m.metadata.pii);
  if (!pii) return { ...m, privacy: null };
  const privacy: MessagePrivacy = { types: pii.types, findings: pii.findings, masked: !sees };
  if (sees) return { ...m, privacy };
  return {
    ...m,
    text: maskText(m.text, pii.findings),
    fullText: m.fullText === null ? null : pii.fullText ? maskText(m.fullText, pii.fullText) : null,
    subject: m.subject === null ? null : pii.subject ? maskText(m.subject, pii.subject) : m.subject,
    html: null,
    privacy,
  };
}

/** `presentMessage` for a principal. */
export function messageFor(p: Pick<Principal, 'permissions'>, m: StoredMessage): ApiMessage {
  return presentMessage(m, seesPii(p));
}

/** The inbox's preview hook (`InboxPage.previewText`) for readers without `pii.view`. */
export function maskedPreviewText(text: string, rawPii: unknown): string {
  const pii = readPii(rawPii);
  return pii ? maskText(text, pii.findings) : text;
}

/**
 * Event data for a reader without `pii.view`: every string that could carry what a customer
 * wrote (a quoted message, a merge's evidence) is scanned and masked, and a `value` (the phone
 * or address a merge suggestion names) is masked whole; ids, timestamps and short codes are left
 * alone. `scan` is the workspace's own scanner (its country and patterns). Also for other
 * answers that quote customers, such as merge suggestions' `evidence`.
 */
export function maskEventData<T>(data: T, scan: (text: string) => readonly PiiFinding[]): T {
  const walk = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      // A merge's evidence names the shared phone or address itself as `value`: masked whole.
      if (key === 'value' && value.length > 0) return maskText(value, [{ type: 'custom', start: 0, end: value.length, confidence: 1 }]);
      if (value.length < 5 || SKIP_KEY.test(key) || UUID.test(value) || ISO_TIME.test(value)) return value;
      const found = scan(value);
      return found.length > 0 ? maskText(value, found) : value;
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, k)]));
    }
    return value;
  };
  return walk(data, '') as T;
}

const SKIP_KEY = /(^id$|Id$|Ids$|At$|^type$|^kind$|^status$|^method$|^target$)/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/;
