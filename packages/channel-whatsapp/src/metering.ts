import type { ChannelMetering } from '@centralita/channel-kit';

/**
 * What Meta charges per delivered message, by category and the recipient's market (the country of
 * the phone's calling code). Since 2025-07-01 templates are priced per message; since 2026-10-01
 * service (free-form) replies inside the window are priced too, at the market's utility rate.
 * The defaults are Meta's "Other" rates with a few markets' own (rate card of July 2025, USD);
 * they are list prices only: set each market's price per account (`service@ES`), as Meta's
 * invoice has it. See docs/adapters/whatsapp.md.
 */
export const METERING = {
  currency: 'USD',
  kinds: {
    service: {
      label: 'Service replies',
      unitPrice: 0.0077,
      marketPrices: { AR: 0.0289, AT: 0.0171, AU: 0.0113, DZ: 0.004 },
    },
    template_utility: {
      label: 'Utility templates',
      unitPrice: 0.0077,
      marketPrices: { AR: 0.0289, AT: 0.0171, AU: 0.0113, DZ: 0.004 },
    },
    template_marketing: {
      label: 'Marketing templates',
      unitPrice: 0.0604,
      marketPrices: { AR: 0.0618, AT: 0.0592, AU: 0.0732, DZ: 0.0225 },
    },
    template_authentication: {
      label: 'Authentication templates',
      unitPrice: 0.0077,
      marketPrices: { AR: 0.0289, AT: 0.0171, AU: 0.0113, DZ: 0.004 },
    },
  },
} as const satisfies ChannelMetering;

export type UsageKindName = keyof typeof METERING.kinds;

/** The ledger kind of one outbound message: its template's category, or a service reply. */
export function usageKindOf(template: { category?: string } | null | undefined): UsageKindName {
  if (!template) return 'service';
  switch (template.category) {
    case 'marketing':
      return 'template_marketing';
    case 'authentication':
      return 'template_authentication';
    default:
      // Utility, and a category Meta adds later: priced as utility until an admin says otherwise.
      return 'template_utility';
  }
}
