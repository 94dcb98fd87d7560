export { createTwitterAdapter, TWITTER_KIND } from './adapter.ts';
export { configJsonSchema, TIERS, type Tier, type TwitterConfig, type TwitterConfigInput } from './config.ts';
export { METERING } from './metering.ts';
export { X_TEXT_COUNTING } from './presentation.ts';
export { measureDm, measurePost, splitThread } from './text.ts';
export { crcResponse, SIGNATURE_HEADER } from './webhook.ts';
