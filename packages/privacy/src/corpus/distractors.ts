// Numbers that are not personal data, and values whose check character is wrong: the corpus
// mixes them into messages so precision is measured against what real messages hold.
import { DNI_LETTERS, dniLetter } from '../checksums.ts';
import type { Random } from './random.ts';
import { card, iban, imei } from './values.ts';

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const FILL: Readonly<Record<string, (rng: Random) => string>> = {
  order: (rng) =>
    rng.pick([`#${rng.digits(6)}`, rng.digits(7), `PED-${rng.digits(6)}`, `A${rng.digits(8)}`, `${rng.int(1, 9)}${rng.digits(9)}`]),
  date: (rng) => {
    const [d, m, y] = [pad2(rng.int(1, 28)), pad2(rng.int(1, 12)), String(rng.int(2019, 2026))];
    return rng.pick([`${d}/${m}/${y}`, `${d}-${m}-${y}`, `${d}.${m}.${y}`, `${y}-${m}-${d}`]);
  },
  price: (rng) => rng.pick([`${rng.int(1, 999)},${rng.digits(2)} €`, `€${rng.int(1, 999)}.${rng.digits(2)}`, `${rng.int(5, 300)} euros`]),
  postal: (rng) => `${pad2(rng.int(1, 52))}${rng.digits(3)}`,
  invoice: (rng) =>
    rng.pick([`F-${rng.int(2019, 2026)}-${rng.digits(5)}`, `FAC${rng.digits(8)}`, `${rng.int(2019, 2026)}/${rng.digits(6)}`]),
  time: (rng) => rng.pick([`${pad2(rng.int(8, 21))}:${rng.pick(['00', '15', '30', '45'])}`, `${rng.int(8, 21)}h`]),
  tracking: (rng) => rng.pick([`${rng.letters(2)}${rng.digits(9)}ES`, `1Z${rng.letters(3)}${rng.digits(11)}`, `SEU${rng.digits(10)}`]),
  year: (rng) => String(rng.int(1995, 2025)),
  amount: (rng) => `${rng.int(1, 9)}.${rng.digits(3)},${rng.digits(2)} €`,
  reference: (rng) => rng.pick([`REF-${rng.digits(8)}`, `${rng.letters(3)}${rng.digits(6)}`, `${rng.digits(4)}-${rng.digits(4)}`]),
};

/** Fills a distractor sentence's slots ("{order}", "{date}") with fresh values. */
export function fillDistractor(rng: Random, sentence: string): string {
  return sentence.replace(/\{(\w+)\}/g, (_, slot: string) => (FILL[slot] ?? (() => slot))(rng));
}

/** A DNI, card, IBAN or IMEI with a wrong check character: it looks like one but is not. */
export function wrongValue(rng: Random): string {
  switch (rng.int(0, 3)) {
    case 0: {
      const n = rng.digits(8);
      const right = dniLetter(n);
      const wrong = rng.pick([...DNI_LETTERS].filter((l) => l !== right));
      return rng.chance(0.5) ? `${n}${wrong}` : `${n}-${wrong}`;
    }
    case 1: {
      const c = card(rng).text;
      const last = Number(c.slice(-1));
      return c.slice(0, -1) + String((last + rng.int(1, 9)) % 10);
    }
    case 2: {
      const i = iban(rng).text;
      const check = Number(i.slice(2, 4));
      return `${i.slice(0, 2)}${pad2((check + rng.int(1, 50)) % 97 || 1)}${i.slice(4)}`;
    }
    default: {
      let v = imei(rng);
      while (v.sv) v = imei(rng);
      // One more on the last digit always breaks Luhn.
      return v.text.slice(0, -1) + String((Number(v.text.slice(-1)) + 1) % 10);
    }
  }
}
