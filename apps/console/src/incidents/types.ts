import type * as Server from '@centralita/server/api-types';
import type { Wire } from '../api/wire.ts';

// The incident and broadcast answers as the console reads them: the server's own types
// (apps/server/src/api-types.ts) over JSON, so a renamed field is a compile error here.

export type IncidentEvidence = Wire<Server.IncidentEvidence>;
/** An incident; `evidence` is what the spike detector saw (null when declared by hand). */
export type IncidentView = Omit<Wire<Server.IncidentView>, 'evidence'> & { evidence: IncidentEvidence | null };
export type IncidentStatus = IncidentView['status'];
export type BucketKeyKind = IncidentEvidence['keys'][number]['kind'];
export type IncidentCounts = NonNullable<IncidentView['counts']>;
export type IncidentSettings = Wire<Server.IncidentSettingsRecord>;
export type ServiceLabel = IncidentSettings['services'][number];
/** A row of GET /incidents/:id/conversations: an inbox row, with how it came to be linked. */
export type LinkedConversation = Wire<Server.LinkedConversation>;
export type BroadcastView = Wire<Server.BroadcastView>;
export type BroadcastState = BroadcastView['state'];
export type BroadcastTotals = BroadcastView['totals'];
export type BroadcastEstimate = Wire<Server.BroadcastEstimate>;
export type EstimateChannel = BroadcastEstimate['byChannel'][number];
export type IncidentMetrics = Wire<Server.IncidentMetrics>;

// What the console sends (request bodies).

/** POST /incidents, and the changes an accept or a PATCH may make. */
export interface DeclareInput {
  title: string;
  statusText?: string;
  regions?: string[];
  services?: string[];
  keywords?: string[];
  languages?: string[];
  startsAt?: string;
}

export interface TemplateChoice {
  name: string;
  language: string;
  parameters: Record<string, string>;
}

export interface BroadcastInput {
  text: string;
  variants?: string[];
  whatsappTemplate?: TemplateChoice | null;
}
