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
}

/** A channel's words in one language; each part optional. */
export interface PresentationLocale {
  /** The channel's name ("Formulario web"). */
  displayName?: string;
  fields?: Readonly<Record<string, Partial<FieldPresentation>>>;
  visibilities?: Readonly<Partial<Record<Visibility, string>>>;
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
