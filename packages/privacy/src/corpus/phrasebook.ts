/** The kinds of value a corpus sentence can hold (IMEISV and the two workspace patterns apart). */
export type ValueKind =
  | 'dni'
  | 'nie'
  | 'nif'
  | 'iban'
  | 'card'
  | 'phone'
  | 'email'
  | 'ssn_es'
  | 'iccid'
  | 'imei'
  | 'imeisv'
  | 'custom_contract'
  | 'custom_customer';

export type Style = 'post' | 'dm' | 'email';

/** What the generator writes messages of one language with. */
export interface Phrasebook {
  lang: 'es' | 'en';
  brands: readonly string[];
  hashtags: readonly string[];
  greetings: Readonly<Record<Style, readonly string[]>>;
  /** Lower-case clauses without digits ("the router keeps rebooting"). */
  complaints: readonly string[];
  /** Whole sentences without digits. */
  details: readonly string[];
  closers: Readonly<Record<Style, readonly string[]>>;
  names: readonly string[];
  quotedReply: readonly string[];
  /** Sentences (lower case, no final stop) holding a value at "{v}". */
  values: Readonly<Record<ValueKind, readonly string[]>>;
  /** Sentences holding a value with a wrong check character (not personal data). */
  wrongValues: readonly string[];
  /** Sentences with numbers that are not personal data: {order}, {date}, {price}, ... */
  distractors: readonly string[];
}
