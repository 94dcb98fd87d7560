export { createWebformAdapter } from './adapter.ts';
export { parseWebformConfig, type WebformConfig } from './config.ts';
export { MAX_BODY_BYTES } from './submission.ts';
