import type { Incident, IncidentCounts, IncidentMetricsRecord } from '@centralita/db';

/**
 * An incident as the API answers it (GET /incidents/:id and the `incident.updated` socket event):
 * the stored incident with its reference, and on the single-incident read the counts of its live
 * links (by channel kind, by region, open and resolved).
 */
export type IncidentView = Omit<Incident, 'workspaceId'> & { counts?: IncidentCounts };

export function viewOf(i: Incident, counts?: IncidentCounts): IncidentView {
  const { workspaceId: _w, ...rest } = i;
  return counts ? { ...rest, counts } : rest;
}

/** GET /incidents/:id/metrics (docs/incidents.md#metrics). */
export interface IncidentMetrics {
  incidentId: string;
  bucketMinutes: number;
  /** Linked contacts per bucket, by when the customer wrote the message that linked them. */
  contacts: { at: Date; count: number }[];
  linked: number;
  /** From the declaration (or, for one the detector proposed, its acceptance) to the first update that reached a customer. */
  timeToFirstUpdateSeconds: number | null;
  /** Linked conversations resolved without any message written by an agent. */
  absorbed: number;
  /** Who answered each linked conversation first: a broadcast, an agent, or nobody yet. */
  firstResponse: IncidentMetricsRecord['firstResponse'];
  /** Spend per currency (millionths) recorded on the linked conversations; see `costBasis`. */
  cost: { currency: string; costMicros: number }[];
  /**
   * What `cost` covers. The usage ledger keeps each conversation's spend by kind, not by message,
   * so it is everything the linked conversations cost, broadcasts and agents' replies alike.
   */
  costBasis: 'linked_conversations';
}

export function metricsOf(i: Incident, m: IncidentMetricsRecord): IncidentMetrics {
  const from = i.declaredAt ?? i.proposedAt;
  return {
    incidentId: i.id,
    bucketMinutes: m.bucketMinutes,
    contacts: m.contacts,
    linked: m.linked,
    timeToFirstUpdateSeconds: from && i.firstUpdateAt ? Math.max(0, Math.round((i.firstUpdateAt.getTime() - from.getTime()) / 1000)) : null,
    absorbed: m.absorbed,
    firstResponse: m.firstResponse,
    cost: m.cost,
    costBasis: 'linked_conversations',
  };
}
