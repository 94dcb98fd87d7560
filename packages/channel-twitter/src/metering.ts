import type { ChannelMetering } from '@centralita/channel-kit';

/**
 * What each X action costs on pay-per-use, from X's price list (2026; see
 * docs/adapters/twitter.md). Every price is the account's to override: X changes them often.
 */
export const METERING = {
  currency: 'USD',
  kinds: {
    owned_post_read: { label: 'Own mentions read', unitPrice: 0.001 },
    post_read: { label: 'Posts read (search, webhook)', unitPrice: 0.005 },
    user_read: { label: 'Users read', unitPrice: 0.01 },
    dm_event_read: { label: 'DM events read', unitPrice: 0.01 },
    reply_create: { label: 'Replies to posts that summoned the brand', unitPrice: 0.01 },
    post_create: { label: 'Posts created', unitPrice: 0.015 },
    post_create_url: { label: 'Posts created with a link', unitPrice: 0.2 },
    dm_create: { label: 'DMs sent', unitPrice: 0.015 },
  },
} as const satisfies ChannelMetering;

export type UsageKindName = keyof typeof METERING.kinds;
