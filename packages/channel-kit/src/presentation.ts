import type { Visibility } from '@centralita/core';

/** One config field as a console labels it. */
export interface FieldPresentation {
  label: string;
  /** A sentence under the field: what to enter, or where to find it at the provider. */
  help?: string;
}

/**
 * What a console needs to show a channel, so that it keeps no per-kind strings of its own: an
 * icon, labels for the config fields an administrator fills in (secrets included), and what each
 * visibility is called on this channel.
 */
export interface ChannelPresentation {
  /**
   * An inline SVG, square (`viewBox="0 0 24 24"`), drawn in `currentColor`, with no script, style
   * or event attribute; the console shows it as an image beside the display name.
   */
  icon: string;
  /** Labels by config field name. */
  fields: Readonly<Record<string, FieldPresentation>>;
  /** What a reply of each visibility is called here ("Public reply", "Direct message"). */
  visibilities: Readonly<Partial<Record<Visibility, string>>>;
  /**
   * The same words in other languages, by language code (`es`): a console in that language uses
   * them, and falls back to the English above for anything a language leaves out.
   */
  locales?: Readonly<Record<string, PresentationLocale>>;
  /**
   * How the channel counts a text's length, as data a console can follow before sending, when it
   * is not one per code point (X: a URL counts 23, an emoji or a CJK character 2). It describes
   * what `measureText` computes, which still has the last word on the server.
   */
  textCounting?: TextCounting;
}

/**
 * A length where characters weigh differently. Each grapheme (a user-perceived character, as
 * `Intl.Segmenter` finds it) that is an emoji weighs `emojiWeight`; any other grapheme weighs the
 * sum of its code points' weights: the weight of the first range holding the code point, else
 * `defaultWeight`. A URL (with or without `https://`) weighs `urlLength` whatever its length.
 * X's twitter-text v3 is `{ kind: 'weighted', normalization: 'NFC', urlLength: 23, defaultWeight:
 * 2, emojiWeight: 2, ranges: [{ from: 0, to: 4351, weight: 1 }, { from: 8192, to: 8205, weight: 1 },
 * { from: 8208, to: 8223, weight: 1 }, { from: 8242, to: 8247, weight: 1 }] }`.
 */
export interface TextCounting {
  kind: 'weighted';
  /** Counted after this Unicode normalisation (X counts the NFC form); as typed when absent. */
  normalization?: 'NFC';
  /** What any URL counts, whatever its length (X: 23, the length of its t.co link). */
  urlLength: number;
  /** What a code point outside every range weighs. */
  defaultWeight: number;
  /** What an emoji weighs: a whole grapheme, so a flag, a skin tone or a family is one emoji. */
  emojiWeight: number;
  /** Code point ranges, both ends included, with their weight; the first that holds a code point wins. */
  ranges: readonly { from: number; to: number; weight: number }[];
}

/** A channel's words in one language; each part optional. */
export interface PresentationLocale {
  /** The channel's name ("Formulario web"). */
  displayName?: string;
  fields?: Readonly<Record<string, Partial<FieldPresentation>>>;
  visibilities?: Readonly<Partial<Record<Visibility, string>>>;
  /** The channel's sentences by their code (a refused reply's `ReplyDecision.code`). */
  messages?: Readonly<Record<string, string>>;
}

/** The icon for an adapter that declares none: a speech bubble. */
export const DEFAULT_CHANNEL_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/></svg>';

/** What is wrong with an icon for a console to show, in words, or an empty list. */
export function iconProblems(icon: string): string[] {
  const problems: string[] = [];
  const svg = icon.trim();
  if (!svg.startsWith('<svg') || !svg.endsWith('</svg>')) problems.push('is not one <svg> element');
  if (!/viewBox="0 0 24 24"/.test(svg)) problems.push('has no viewBox="0 0 24 24"');
  if (/<script|<style|<foreignObject|\son[a-z]+\s*=|javascript:|href\s*=\s*"(?!#)/i.test(svg))
    problems.push('holds a script, a style, an event handler or an outside link');
  if (svg.length > 8_000) problems.push('is longer than 8,000 characters');
  return problems;
}
