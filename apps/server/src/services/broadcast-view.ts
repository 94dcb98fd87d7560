import type { TemplateChoice } from '@centralita/channel-kit';
import type {
  BroadcastLane,
  BroadcastProgress,
  BroadcastRecord,
  BroadcastState,
  BroadcastTotals,
  ChannelAccountRecord,
} from '@centralita/db';
import type { BroadcastEstimate } from './broadcast-estimate.ts';

/** A broadcast as the API and the console show it (docs/api.md, "Incidents"). */
export interface BroadcastView {
  id: string;
  incidentId: string;
  kind: 'update' | 'closing';
  state: BroadcastState;
  text: string;
  variants: string[];
  whatsappTemplate: TemplateChoice | null;
  createdAt: Date;
  createdBy: string | null;
  finishedAt: Date | null;
  /** Every recipient is in exactly one of pending, queued, sent, delivered, failed and skipped. */
  totals: BroadcastTotals;
  byChannel: (BroadcastLane & { name: string | null })[];
  /** The first 100 messages that failed, the most urgent conversations first, with the channel's reason. */
  failures: BroadcastProgress['failures'];
  /** Why recipients got nothing, by reason. */
  skipped: BroadcastProgress['skipped'];
  /** What the plan said when the broadcast started. */
  estimate: BroadcastEstimate | null;
}

export function viewOf(b: BroadcastRecord, p: BroadcastProgress, accounts: ReadonlyMap<string, ChannelAccountRecord>): BroadcastView {
  return {
    id: b.id,
    incidentId: b.incidentId,
    kind: b.kind,
    state: b.state,
    text: b.text,
    variants: b.variants,
    whatsappTemplate: (b.options.whatsappTemplate as TemplateChoice | null | undefined) ?? null,
    createdAt: b.createdAt,
    createdBy: b.createdBy,
    finishedAt: b.finishedAt,
    totals: p.totals,
    byChannel: p.byChannel.map((l) => ({ ...l, name: l.channelAccountId ? (accounts.get(l.channelAccountId)?.name ?? null) : null })),
    failures: p.failures,
    skipped: p.skipped,
    estimate: (b.estimate as BroadcastEstimate | null) ?? null,
  };
}
