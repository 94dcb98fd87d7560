// The seeded generator of the labelled corpus: synthetic posts, DMs and emails in Spanish and
// English with valid personal data embedded, each value's span labelled with its type.
import type { LabelledSpan } from '../score.ts';
import { fillDistractor, wrongValue } from './distractors.ts';
import type { Phrasebook, Style, ValueKind } from './phrasebook.ts';
import { Random } from './random.ts';
import { ENGLISH } from './text-en.ts';
import { SPANISH } from './text-es.ts';
import { BASIC_VALUES, custom, email, imei, phone, ssn, type Value } from './values.ts';

/** One labelled message of the corpus. */
export interface CorpusMessage {
  id: string;
  lang: 'es' | 'en';
  style: Style;
  text: string;
  labels: LabelledSpan[];
}

/** The seed of the committed corpus, packages/privacy/corpus/messages.jsonl. */
export const COMMITTED_SEED = 15;
/** Messages in the committed corpus. */
export const COMMITTED_COUNT = 480;

const POST_LIMIT = 280;
const LONGEST = 2000;

type Primary = 'dni' | 'nie' | 'nif' | 'iban' | 'card' | 'phone' | 'email' | 'ssn_es' | 'iccid' | 'imei' | 'custom';
// Each message leads with one of these in turn, so every type is well represented.
const PRIMARIES: readonly Primary[] = [
  'dni',
  'nie',
  'nif',
  'iban',
  'card',
  'phone',
  'email',
  'ssn_es',
  'iccid',
  'imei',
  'custom',
  'dni',
  'iban',
  'card',
];

function drawValue(rng: Random, kind: Primary): { kind: ValueKind; value: Value } {
  switch (kind) {
    case 'imei': {
      const v = imei(rng);
      return { kind: v.sv ? 'imeisv' : 'imei', value: v };
    }
    case 'custom': {
      const v = custom(rng);
      return { kind: v.pattern === 'contract number' ? 'custom_contract' : 'custom_customer', value: v };
    }
    case 'ssn_es':
      return { kind, value: ssn(rng) };
    default:
      return { kind, value: BASIC_VALUES[kind](rng) };
  }
}

function capitalise(s: string): string {
  return s.length === 0 ? s : s[0]?.toUpperCase() + s.slice(1);
}

/** Text under construction, with the spans of the values put in it. */
class Draft {
  text = '';
  labels: LabelledSpan[] = [];

  add(s: string): this {
    this.text += s;
    return this;
  }

  /** Adds `template` with `value` at its "{v}", labelled (a wrong value is added unlabelled). */
  addValue(template: string, value: Value | null, raw: string, sentenceStart: boolean): this {
    const [before = '', after = ''] = template.split('{v}');
    const lead = sentenceStart ? capitalise(before) : before;
    this.text += lead;
    if (value) this.labels.push({ type: value.type, start: this.text.length, end: this.text.length + raw.length });
    this.text += raw + after;
    return this;
  }
}

function sentenceWithValue(rng: Random, book: Phrasebook, draft: Draft, kind: Primary, sentenceStart = true): void {
  const { kind: k, value } = drawValue(rng, kind);
  draft.addValue(rng.pick(book.values[k]), value, value.text, sentenceStart && !rng.chance(0.1));
}

function anyKind(rng: Random): Primary {
  return rng.pick(PRIMARIES);
}

function writePost(rng: Random, book: Phrasebook, primary: Primary): Draft {
  for (;;) {
    const d = new Draft();
    d.add(`${rng.pick(book.brands)} `);
    const greeting = rng.pick(book.greetings.post);
    if (greeting) d.add(`${greeting}, `);
    d.add(greeting ? rng.pick(book.complaints) : capitalise(rng.pick(book.complaints))).add('. ');
    if (rng.chance(0.25)) d.add(`${fillDistractor(rng, rng.pick(book.distractors))} `);
    sentenceWithValue(rng, book, d, primary);
    d.add(rng.pick(['. ', ', ', '. ']));
    if (rng.chance(0.2)) {
      sentenceWithValue(rng, book, d, anyKind(rng));
      d.add('. ');
    }
    d.add(`${rng.pick(book.closers.post)} ${rng.pick(book.hashtags)}`);
    d.text = d.text.trimEnd();
    if (d.text.length <= POST_LIMIT) return d;
  }
}

function writeDm(rng: Random, book: Phrasebook, primary: Primary): Draft {
  const d = new Draft();
  if (rng.chance(0.2)) {
    // The shortest messages: just the value, as a reply to "¿nos das tu DNI?".
    sentenceWithValue(rng, book, d, primary);
    if (d.text.length < 20) d.add(book.lang === 'es' ? ', gracias' : ', thanks');
    return d;
  }
  const greeting = rng.pick(book.greetings.dm);
  if (greeting) d.add(`${greeting}, `);
  d.add(greeting ? rng.pick(book.complaints) : capitalise(rng.pick(book.complaints))).add('. ');
  if (rng.chance(0.4)) d.add(`${rng.pick(book.details)} `);
  if (rng.chance(0.3)) d.add(`${fillDistractor(rng, rng.pick(book.distractors))} `);
  sentenceWithValue(rng, book, d, primary);
  d.add('. ');
  for (let extra = rng.int(0, 2); extra > 0; extra--) {
    sentenceWithValue(rng, book, d, anyKind(rng));
    d.add(rng.pick(['. ', '\n', '. ']));
  }
  if (rng.chance(0.15)) d.addValue(rng.pick(book.wrongValues), null, wrongValue(rng), true).add('. ');
  d.add(rng.pick(book.closers.dm));
  d.text = d.text.trimEnd();
  return d;
}

function writeEmail(rng: Random, book: Phrasebook, primary: Primary): Draft {
  const target = rng.int(250, LONGEST);
  const d = new Draft();
  d.add(`${rng.pick(book.greetings.email)}\n\n`);
  d.add(`${capitalise(rng.pick(book.complaints))}. ${rng.pick(book.details)}\n\n`);
  sentenceWithValue(rng, book, d, primary);
  d.add('.');
  for (let extra = rng.int(0, 3); extra > 0; extra--) {
    d.add(rng.pick([' ', '\n']));
    sentenceWithValue(rng, book, d, anyKind(rng));
    d.add('.');
  }
  d.add('\n\n');
  if (rng.chance(0.2)) d.addValue(rng.pick(book.wrongValues), null, wrongValue(rng), true).add('.\n\n');
  // Paragraphs of detail and numbers that are not personal data, up to the length drawn.
  const closing = `${rng.pick(book.closers.email)}\n${rng.pick(book.names)}`;
  for (;;) {
    const paragraph = rng.chance(0.4) ? fillDistractor(rng, rng.pick(book.distractors)) : rng.pick(book.details);
    if (d.text.length + paragraph.length + closing.length + 2 > target) break;
    d.add(`${paragraph}${rng.chance(0.5) ? '\n\n' : ' '}`);
  }
  d.add(closing);
  if (rng.chance(0.35)) {
    // A signature with contact data, often with no context word, as signatures go.
    const value = rng.chance(0.5) ? email(rng) : phone(rng);
    d.add('\n').addValue(rng.pick(['{v}', 'Tel. {v}', 'M. {v}', '{v}']), value, value.text, false);
  }
  if (rng.chance(0.3)) {
    const quoted = `\n\n${rng.pick(book.quotedReply)}`;
    if (d.text.length + quoted.length <= LONGEST) d.add(quoted);
  }
  return d;
}

/**
 * Writes `count` labelled messages from `seed`: the same seed always gives the same messages.
 * Styles and languages are mixed (posts up to 280 characters, emails up to 2,000).
 */
export function generateCorpus(seed: number = COMMITTED_SEED, count: number = COMMITTED_COUNT): CorpusMessage[] {
  const rng = new Random(seed);
  const out: CorpusMessage[] = [];
  for (let i = 0; i < count; i++) {
    const book = rng.chance(0.6) ? SPANISH : ENGLISH;
    const style: Style = rng.pick(['post', 'post', 'dm', 'dm', 'email']);
    const primary = PRIMARIES[i % PRIMARIES.length] as Primary;
    const d =
      style === 'post' ? writePost(rng, book, primary) : style === 'dm' ? writeDm(rng, book, primary) : writeEmail(rng, book, primary);
    out.push({ id: `m${String(i + 1).padStart(4, '0')}`, lang: book.lang, style, text: d.text, labels: d.labels });
  }
  return out;
}

/** The corpus as JSON lines, one message a line, as the committed file holds it. */
export function toJsonLines(messages: readonly CorpusMessage[]): string {
  return `${messages.map((m) => JSON.stringify(m)).join('\n')}\n`;
}
