/** Every change to a conversation is one append-only event; metrics and replays read them. */
export type ConversationEventType =
  | 'conversation.created'
  | 'conversation.reopened'
  | 'conversation.status_changed'
  | 'conversation.assigned'
  | 'conversation.unassigned'
  | 'conversation.offered'
  | 'conversation.offer_declined'
  | 'conversation.queued'
  | 'conversation.transferred'
  | 'conversation.sla_breached'
  | 'conversation.priority_set'
  | 'conversation.customer_link_issued'
  | 'conversation.link_emailed'
  | 'conversation.tagged'
  | 'conversation.email_follow_up_failed'
  | 'conversation.handed_off'
  | 'conversation.handoff_joined'
  | 'conversation.handoff_refused'
  | 'conversation.incident_linked'
  | 'conversation.incident_unlinked'
  | 'conversation.incident_acknowledged'
  | 'conversation.incident_resolved'
  | 'contact.merged'
  | 'contact.merge_undone'
  | 'contact.merge_suggested'
  | 'message.pii_detected'
  | 'message.received'
  | 'message.queued'
  | 'message.delivery_updated'
  | 'message.held'
  | 'message.copied_by_email'
  | 'note.added';

/** An incident's own log (table `incident_events`); its conversations' part goes to their events. */
export type IncidentEventType =
  | 'incident.proposed'
  | 'incident.evidence_updated'
  | 'incident.declared'
  | 'incident.accepted'
  | 'incident.dismissed'
  | 'incident.updated'
  | 'incident.resolved'
  | 'incident.broadcast_started'
  | 'incident.broadcast_finished'
  | 'incident.public_post';

export type ActorType = 'contact' | 'user' | 'api_token' | 'system';

export interface Actor {
  type: ActorType;
  id: string | null;
}

/** The system itself (timers, the ingest pipeline) as an actor. */
export const SYSTEM_ACTOR: Actor = { type: 'system', id: null };

export interface ConversationEvent {
  id: string;
  workspaceId: string;
  conversationId: string;
  type: ConversationEventType;
  actor: Actor;
  data: Record<string, unknown>;
  createdAt: Date;
}
