import type { ContextLanguage, ContextWords } from './detector.ts';
import { fold } from './text.ts';

/** How far before and after a candidate context words count, in UTF-16 units. */
export const CONTEXT_BEFORE = 48;
export const CONTEXT_AFTER = 32;
/** Reference words count only closer than this: "pedido nº 4111…". */
export const REFERENCE_BEFORE = 20;
// Where a sentence ends: a stop before a word ("mes. Mi DNI"), "!" or "?", or a blank line.
// "Ref. 4111" and "Tel. 612…" go on, and so does a single line break ("DNI:\n12345678Z").
const SENTENCE_BREAK = /[.!?]+\s+(?=\p{L})|[!?]|\n\s*\n/gu;

/** The part of `text` from the last sentence break (none: all of it). */
function sinceLastBreak(text: string): string {
  SENTENCE_BREAK.lastIndex = 0;
  let from = 0;
  for (let m = SENTENCE_BREAK.exec(text); m !== null; m = SENTENCE_BREAK.exec(text)) from = m.index + m[0].length;
  return from === 0 ? text : text.slice(from);
}
/** The confidence a demoted candidate keeps: under the default threshold of 0.5. */
export const DEMOTED = 0.3;

/**
 * Words that introduce an order, invoice, tracking or other reference number: a number right
 * after one is most likely that reference, even when a checksum happens to hold.
 */
export const REFERENCE_WORDS: Readonly<Record<ContextLanguage, readonly string[]>> = {
  es: [
    'pedido',
    'pedidos',
    'factura',
    'facturas',
    'albaran',
    'referencia',
    'ref',
    'seguimiento',
    'envio',
    'localizador',
    'ticket',
    'expediente',
    'incidencia',
    'numero de serie',
    'n de serie',
    'lote',
    'reserva',
    'recibo',
  ],
  en: [
    'order',
    'orders',
    'invoice',
    'invoices',
    'tracking',
    'reference',
    'ref',
    'shipment',
    'parcel',
    'ticket',
    'case number',
    'case id',
    'serial',
    'booking',
    'receipt',
    'batch',
  ],
};

/** The context words of a scan, compiled once: the languages chosen, positive and reference words. */
export interface CompiledContext {
  positive: RegExp | null;
  reference: RegExp | null;
}

function escapeRegex(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One regex for a list of words, each whole (not inside a longer word), on folded text. Folded
 * text is lower case and, for Spanish and English, ASCII, so the word edges are ASCII too (a
 * Unicode-aware regex is several times slower).
 */
export function wordsRegex(words: readonly string[]): RegExp | null {
  const folded = [...new Set(words.map((w) => fold(w.trim())).filter((w) => w !== ''))];
  if (folded.length === 0) return null;
  // Longest first, so "numero de cuenta" wins over "numero" at the same place.
  folded.sort((a, b) => b.length - a.length);
  return new RegExp(`(?<![a-z0-9])(?:${folded.map(escapeRegex).join('|')})(?![a-z0-9])`, 'g');
}

/** The languages whose words a scan weighs: the one asked for, or both when absent or other. */
export function contextLanguages(language: string | undefined): readonly ContextLanguage[] {
  const primary = language?.toLowerCase().split(/[-_]/)[0];
  if (primary === 'es' || primary === 'en') return [primary];
  return ['es', 'en'];
}

/** Compiles a detector's context words for the chosen languages. */
export function compileContext(words: ContextWords, languages: readonly ContextLanguage[]): CompiledContext {
  const positive = languages.flatMap((l) => words.positive[l] ?? []);
  const reference = words.demotedByReferenceWords ? languages.flatMap((l) => REFERENCE_WORDS[l]) : [];
  return { positive: wordsRegex(positive), reference: wordsRegex(reference) };
}

/** Distance from the end of the folded window to the end of the last match, or -1. */
function lastDistance(re: RegExp, window: string): number {
  re.lastIndex = 0;
  let best = -1;
  for (let m = re.exec(window); m !== null; m = re.exec(window)) best = window.length - (m.index + m[0].length);
  return best;
}

/**
 * The words after a candidate that can speak of it: up to CONTEXT_AFTER, in its own sentence
 * ("12345678Z es mi DNI", not "…A50677020. Invoice F-2024-1 is wrong").
 */
function sentenceAfter(text: string, end: number): string {
  const after = text.slice(end, end + CONTEXT_AFTER);
  const stop = after.search(/[.!?\n]/);
  return stop < 0 ? after : after.slice(0, stop);
}

function has(re: RegExp, window: string): boolean {
  re.lastIndex = 0;
  return re.test(window);
}

/**
 * How the words around [start, end) bear on a candidate: 'positive' when a context word is near
 * (anywhere near wins: "pagué el pedido con la tarjeta 4111…" is a card), else 'reference' when
 * a reference word is just before it in the same sentence, else 'none'.
 */
export function contextOf(text: string, start: number, end: number, ctx: CompiledContext): 'positive' | 'reference' | 'none' {
  // Only the candidate's own sentence speaks of it: "la misma factura este mes. Abrí la
  // incidencia A62205836" does not make the incident number a company's tax number.
  const before = fold(sinceLastBreak(text.slice(Math.max(0, start - CONTEXT_BEFORE), start)));
  if (ctx.positive && (has(ctx.positive, before) || has(ctx.positive, fold(sentenceAfter(text, end))))) return 'positive';
  if (!ctx.reference) return 'none';
  const reference = lastDistance(ctx.reference, before);
  return reference >= 0 && reference < REFERENCE_BEFORE ? 'reference' : 'none';
}
