// Identifiers of a customer's SIM and handset: the ICCID printed on the SIM (89, the telecom
// industry code, then 17 or 18 digits with a Luhn check) and the IMEI (15 digits with Luhn; the
// 16-digit IMEISV carries a software version instead of a check digit).
import { luhnValid } from '../checksums.ts';
import type { Candidate, Detector } from '../detector.ts';
import { forEachSpan } from '../text.ts';

/**
 * The reporting bodies that allocate IMEI type codes (the first two digits): a 15-digit number
 * starting otherwise is not an IMEI, which keeps 34/37 (Amex) and most references out.
 */
const IMEI_REPORTING_BODIES = new Set([
  '01',
  '10',
  '30',
  '33',
  '35',
  '44',
  '45',
  '49',
  '50',
  '51',
  '52',
  '53',
  '54',
  '86',
  '91',
  '98',
  '99',
]);

/** ICCID: the SIM card's number. */
export const iccidDetector: Detector = {
  name: 'iccid',
  needs: 'digit',
  context: {
    positive: {
      es: ['iccid', 'sim', 'tarjeta sim', 'chip', 'duplicado', 'numero de la sim'],
      en: ['iccid', 'sim', 'sim card', 'chip', 'sim number'],
    },
    demotedByReferenceWords: true,
  },
  find(text, scan, out: Candidate[]) {
    for (const run of scan.digitRuns()) {
      forEachSpan(text, run, 19, 20, (span) => {
        if (!span.digits.startsWith('89') || (span.groupCount > 1 && span.shortestGroup < 3) || !luhnValid(span.digits)) return;
        out.push({ type: 'iccid', start: span.start, end: span.end, alone: 0.75, withContext: 0.95 });
      });
    }
  },
};

/** IMEI: 15 digits with the Luhn digit. */
export const imeiDetector: Detector = {
  name: 'imei',
  needs: 'digit',
  context: {
    positive: {
      es: ['imei', 'imeisv', 'terminal', 'dispositivo', 'movil', 'telefono', 'bloquear', 'robado', 'robo'],
      en: ['imei', 'imeisv', 'device', 'handset', 'phone', 'stolen', 'blacklist', 'blocked'],
    },
    demotedByReferenceWords: true,
  },
  find(text, scan, out: Candidate[]) {
    for (const run of scan.digitRuns()) {
      // Written together or as TAC and serial blocks: "35-209900-176148-1", "35 209900 176148 1".
      forEachSpan(text, run, 15, 15, (span) => {
        if (span.groupCount > 4 || !IMEI_REPORTING_BODIES.has(span.digits.slice(0, 2)) || !luhnValid(span.digits)) return;
        out.push({ type: 'imei', start: span.start, end: span.end, alone: 0.7, withContext: 0.95 });
      });
    }
  },
};

/**
 * IMEISV: the 14 digits of the IMEI and a two-digit software version, no check digit; so only
 * the word "IMEISV" near it makes it one. Not "IMEI": a message that gives an IMEI and then a
 * 16-digit card starting 35 or 52 (a reporting body's digits) is common enough.
 */
export const imeisvDetector: Detector = {
  name: 'imeisv',
  needs: 'digit',
  context: {
    positive: { es: ['imeisv', 'imei/sv', 'imei sv'], en: ['imeisv', 'imei/sv', 'imei sv', 'software version'] },
    demotedByReferenceWords: true,
  },
  find(text, scan, out: Candidate[]) {
    for (const run of scan.digitRuns()) {
      forEachSpan(text, run, 16, 16, (span) => {
        if (span.groupCount > 4 || !IMEI_REPORTING_BODIES.has(span.digits.slice(0, 2))) return;
        out.push({ type: 'imei', start: span.start, end: span.end, alone: 0.3, withContext: 0.85 });
      });
    }
  },
};
