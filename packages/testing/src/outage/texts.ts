import { EN, ES } from './phrases.ts';
import type { Random } from './random.ts';

// How a complaint becomes a message: an opener, the complaint with a time, where the writer is,
// a closing and perhaps an emoji, as people write them.

/** A finished message with where the writer is said after it, when the text is to say it. */
export function placeSentence(
  random: Random,
  body: string,
  at: { place: { name: string } | null; placeInText: boolean },
  language: 'es' | 'en',
): string {
  if (!at.placeInText || !at.place) return body;
  const sentence = random.pick(language === 'en' ? ['I live in {p}.', "I'm in {p}."] : ['Vivo en {p}.', 'Soy de {p}.', 'Estoy en {p}.']);
  return `${body}${/[.?!)]$/.test(body) ? ' ' : '. '}${sentence.replace('{p}', at.place.name)}`;
}

/** Joins a place phrase: "en Getafe." and "(Getafe)" continue the sentence, "Vivo en Getafe." starts one. */
function withPlace(core: string, pattern: string, place: string): string {
  const phrase = pattern.replace('{p}', place);
  return /^[a-z(]/.test(pattern) ? `${core} ${phrase}` : `${core}. ${phrase}`;
}

export function spanishText(random: Random, complaint: string, place: string | null, slang: boolean): string {
  const parts: string[] = [];
  const opener = slang ? '' : random.pick(ES.openers);
  if (opener) parts.push(opener);
  const lower = opener.endsWith(',') || slang;
  let core = lower ? `${complaint.charAt(0).toLowerCase()}${complaint.slice(1)}` : complaint;
  if (random.chance(0.7)) core += ` ${random.pick(ES.times)}`;
  parts.push(place ? withPlace(core, random.pick(ES.places), place) : `${core}.`);
  const closing = random.pick(ES.closings);
  if (closing && !slang) parts.push(closing);
  if (slang || random.chance(0.3)) parts.push(random.pick(ES.emoji));
  return parts.join(' ').replace(/([?!])\./g, '$1');
}

export function englishText(random: Random, complaint: string, place: string | null): string {
  const core = `${complaint} ${random.pick(EN.times)}`;
  const parts = [place ? withPlace(core, random.pick(EN.places), place) : `${core}.`];
  const closing = random.pick(EN.closings);
  if (closing) parts.push(closing);
  return parts.join(' ');
}
