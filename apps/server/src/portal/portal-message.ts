import type { StoredMessage } from '@centralita/db';

/** What a customer may see of a message: never notes, ids of agents, or channel metadata. */
export interface PortalMessage {
  id: string;
  from: 'customer' | 'agent';
  text: string;
  createdAt: string;
}

/** The customer-safe view of a message. */
export function toPortalMessage(m: StoredMessage): PortalMessage {
  return { id: m.id, from: m.direction === 'inbound' ? 'customer' : 'agent', text: m.text, createdAt: m.createdAt.toISOString() };
}
