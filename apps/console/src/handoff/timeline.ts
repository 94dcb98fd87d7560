import type { Handoff, Message } from '../api/types.ts';

/** One line of the timeline: a message, or what happened between messages. */
export type TimelineEntry =
  | { kind: 'message'; key: string; message: Message }
  /** The channel changed from the message before (notes aside); `handoff` is the one that led there, if any. */
  | { kind: 'switch'; key: string; channelAccountId: string; handoff: Handoff | null }
  /** An agent handed the conversation off (conversation.handed_off). */
  | { kind: 'handed_off'; key: string; handoff: Handoff }
  /** The customer's first message on the new channel joined it (conversation.handoff_joined), on the same channel as before. */
  | { kind: 'joined'; key: string; handoff: Handoff };

const time = (iso: string) => new Date(iso).getTime();

/**
 * The messages with what happened between them: a marker where a handoff was sent and where the
 * customer came back through it, and a divider wherever consecutive messages (notes aside) came
 * or went on another channel account, naming the handoff that led there. A join that also
 * switches channel shows as the divider alone, which says the same. `hiddenBefore` drops the
 * markers older than the first message shown when earlier ones are hidden.
 */
export function buildTimeline(messages: readonly Message[], handoffs: readonly Handoff[], hiddenBefore = false): TimelineEntry[] {
  const first = messages[0];
  const from = hiddenBefore && first ? time(first.createdAt) : Number.NEGATIVE_INFINITY;
  const shownIds = new Set(messages.map((m) => m.id));
  const markers = handoffs
    .flatMap((h) => {
      const sent = { at: time(h.createdAt), kind: 'handed_off' as const, handoff: h, before: null as string | null };
      if (!h.joinedAt) return [sent];
      const before = h.joinedMessageId && shownIds.has(h.joinedMessageId) ? h.joinedMessageId : null;
      return [sent, { at: time(h.joinedAt), kind: 'joined' as const, handoff: h, before }];
    })
    .filter((m) => m.at >= from)
    .sort((a, b) => a.at - b.at);
  const out: TimelineEntry[] = [];
  let previous: string | null = null;
  let next = 0;
  for (const m of messages) {
    const at = time(m.createdAt);
    const due: typeof markers = [];
    // Markers up to this message's time, and a join marker right before the message that joined.
    while (next < markers.length) {
      const marker = markers[next] as (typeof markers)[number];
      if (marker.before !== null ? marker.before !== m.id : marker.at > at) break;
      due.push(marker);
      next += 1;
    }
    const switched = m.direction !== 'note' && previous !== null && m.channelAccountId !== previous;
    const via = switched ? ledThere(handoffs, m) : null;
    for (const marker of due) {
      // The divider names the handoff the customer came through: its join marker would repeat it.
      if (marker.kind === 'joined' && via && marker.handoff.id === via.id) continue;
      out.push({ kind: marker.kind, key: `${marker.kind}:${marker.handoff.id}`, handoff: marker.handoff });
    }
    if (switched) out.push({ kind: 'switch', key: `switch:${m.id}`, channelAccountId: m.channelAccountId, handoff: via });
    out.push({ kind: 'message', key: m.id, message: m });
    if (m.direction !== 'note') previous = m.channelAccountId;
  }
  for (const marker of markers.slice(next)) {
    out.push({ kind: marker.kind, key: `${marker.kind}:${marker.handoff.id}`, handoff: marker.handoff });
  }
  return out;
}

/** The latest handoff to the message's account sent before it: what brought the conversation there. */
function ledThere(handoffs: readonly Handoff[], m: Message): Handoff | null {
  const at = time(m.createdAt);
  let found: Handoff | null = null;
  for (const h of handoffs) {
    if (h.channelAccountId === m.channelAccountId && time(h.createdAt) <= at && (!found || time(h.createdAt) >= time(found.createdAt))) {
      found = h;
    }
  }
  return found;
}
