import type { Random } from './random.ts';
import { fold } from './text-tools.ts';

/**
 * Made-up people: common given names and surnames paired at random, reserved example domains
 * (RFC 2606), and phone numbers from the Spanish mobile range that nobody is known to hold.
 */
const GIVEN = {
  es: [
    'Lucía',
    'Hugo',
    'Martina',
    'Mateo',
    'Sofía',
    'Pablo',
    'Julia',
    'Daniel',
    'Paula',
    'Álvaro',
    'Carmen',
    'Javier',
    'Elena',
    'Sergio',
    'Marta',
    'Raúl',
    'Nerea',
    'Iván',
    'Rocío',
    'Adrián',
  ],
  en: ['Emma', 'Oliver', 'Grace', 'Harry', 'Chloe', 'Jack', 'Amelia', 'Noah'],
  ca: ['Jordi', 'Montserrat', 'Núria', 'Pau', 'Laia', 'Oriol', 'Mireia', 'Arnau'],
  pt: ['João', 'Inês', 'Tiago', 'Beatriz', 'Rui', 'Mariana', 'Duarte', 'Leonor'],
};
const FAMILY = {
  es: [
    'García',
    'Martín',
    'López',
    'Sánchez',
    'Pérez',
    'Gómez',
    'Ruiz',
    'Díaz',
    'Moreno',
    'Muñoz',
    'Álvarez',
    'Romero',
    'Navarro',
    'Torres',
    'Domínguez',
    'Gil',
  ],
  en: ['Clarke', 'Taylor', 'Walker', 'Wright', 'Hughes', 'Green'],
  ca: ['Puig', 'Vila', 'Soler', 'Ferrer', 'Roca', 'Serra'],
  pt: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Costa', 'Oliveira'],
};
const DOMAINS = ['example.com', 'example.net', 'example.org', 'correo.example', 'mail.example'];

export type Tongue = keyof typeof GIVEN;

export interface Person {
  name: string;
  email: string;
  /** 15 characters at most, as X allows. */
  username: string;
  /** E.164, +34 6xx xxx xxx. */
  phone: string;
  /** A WhatsApp business-scoped user id. */
  bsuid: string;
}

/**
 * The `index`-th person of a run: unique email, username, phone and BSUID per index (the index
 * is spread over the number range by a multiplier coprime with it, so numbers do not run in order).
 */
export function person(random: Random, index: number, tongue: Tongue, salt: number): Person {
  const given = random.pick(GIVEN[tongue]);
  const family = random.pick(FAMILY[tongue]);
  const plain = (s: string) => fold(s).replace(/[^a-z]/g, '');
  const tag = index.toString(36);
  const mobile = (salt * 104_729 + index * 7_919) % 100_000_000;
  const bsuid = (salt * 15_485_863 + index * 1_000_003) % 10_000_000_000;
  return {
    name: random.chance(0.15) ? given : `${given} ${family}`,
    email: `${plain(given)}.${plain(family)}.${tag}@${random.pick(DOMAINS)}`,
    username: `${plain(given).slice(0, 8)}_${tag}`.slice(0, 15),
    phone: `+346${String(mobile).padStart(8, '0')}`,
    bsuid: `ES.${String(bsuid).padStart(10, '0')}`,
  };
}
