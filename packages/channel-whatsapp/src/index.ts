export { createWhatsAppAdapter, LID_IDENTITY, WHATSAPP_KIND, type WhatsAppAdapterOptions } from './adapter.ts';
export { BSUID_IDENTITY } from './cloud/parse/index.ts';
export { SIGNATURE_HEADER } from './cloud/webhook.ts';
export { configJsonSchema, MODES, type Mode, type WhatsAppConfig, type WhatsAppConfigInput } from './config.ts';
export { METERING, usageKindOf } from './metering.ts';
export { WINDOW_MS, windowOpenedAt } from './policy.ts';
