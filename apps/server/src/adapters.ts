import { createEmailAdapter } from '@centralita/channel-email';
import type { ChannelAdapter } from '@centralita/channel-kit';
import { createTwitterAdapter } from '@centralita/channel-twitter';
import { createWebformAdapter } from '@centralita/channel-webform';
import { createWhatsAppAdapter } from '@centralita/channel-whatsapp';

/** The channels this server offers. Adding a channel is one line here (see docs/adapters/). */
export function installedAdapters(): ChannelAdapter[] {
  return [
    createWebformAdapter() as ChannelAdapter,
    createEmailAdapter() as ChannelAdapter,
    createTwitterAdapter() as ChannelAdapter,
    createWhatsAppAdapter() as ChannelAdapter,
  ];
}
