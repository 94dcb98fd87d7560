export {
  createOutage,
  type Outage,
  type OutageChannel,
  type OutageContact,
  type OutageKind,
  type OutageOptions,
  type UnrelatedKind,
} from './generate.ts';
export { SERVICES, type ServiceSpeech } from './phrases.ts';
export { PLACES, type PlaceSet } from './places.ts';
export { editDistance, fold, termsNamed, wordsOf } from './text-tools.ts';
