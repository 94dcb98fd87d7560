// Pure parsers: Cloud API webhook deliveries in, Centralita events out. No I/O; the clock is passed in.
export { cleanJson } from './clean-json.ts';
export { bsuidCountry } from './countries.ts';
export { MAX_ITEMS_PER_DELIVERY, MAX_PROBLEMS, parseDelivery } from './delivery.ts';
export { MAX_TEXT_LENGTH } from './read.ts';
export { MAX_REASON_LENGTH } from './status.ts';
export {
  BSUID_IDENTITY,
  type MediaKind,
  type MediaRef,
  type ParsedDelivery,
  type ParsedItem,
  type ParsedMessage,
  type ParsedNotice,
  type ParsedStatus,
  type ParseOptions,
} from './types.ts';
