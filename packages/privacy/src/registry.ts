import type { Detector, DetectorRegistry } from './detector.ts';
import { cardDetector } from './detectors/card.ts';
import { iccidDetector, imeiDetector, imeisvDetector } from './detectors/device-ids.ts';
import { emailDetector } from './detectors/email.ts';
import { esCompanyNifDetector } from './detectors/es-company-nif.ts';
import { esDniDetector, esNieDetector } from './detectors/es-personal-id.ts';
import { esSocialSecurityDetector } from './detectors/es-social-security.ts';
import { ibanDetector } from './detectors/iban.ts';
import { phoneDetector } from './detectors/phone.ts';

/**
 * The detectors that ship: the universal ones run for every country, Spain's for country ES.
 * Another country's identity numbers plug in as one more entry of `countries`.
 */
export const defaultRegistry: DetectorRegistry = {
  universal: [ibanDetector, cardDetector, iccidDetector, imeiDetector, imeisvDetector, emailDetector, phoneDetector],
  countries: {
    ES: [esDniDetector, esNieDetector, esCompanyNifDetector, esSocialSecurityDetector],
  },
};

/**
 * The detectors that run for a country: the registry's universal ones and the country's, those
 * marked `last` (the phone detector, which skips digits the others hold) after the rest.
 */
export function detectorsFor(country: string, registry: DetectorRegistry = defaultRegistry): Detector[] {
  const all = [...registry.universal, ...(registry.countries[country.toUpperCase()] ?? [])];
  return [...all.filter((d) => !d.last), ...all.filter((d) => d.last)];
}
