import { Stack, Text } from '@mantine/core';
import type { StoredExplanation } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';

type T = ReturnType<typeof useT>['t'];

const EXCLUSIONS = [
  'not_in_team',
  'offline',
  'away',
  'outside_shift',
  'declined',
  'channel_capacity',
  'total_capacity',
  'missing_skill',
  'missing_language',
  'missing_region',
  'filter',
] as const;

/**
 * Why the conversation is where it is, in sentences with names: the stored routing decision
 * (docs/routing.md#explanations) read out, never shown as data. The tie-break arrives as an
 * English phrase; its kind picks the sentence and its numbers fill it.
 */
export function RoutingExplanation({ explanation }: { explanation: unknown }) {
  const { t, lang } = useT();
  const e = asExplanation(explanation);
  if (!e) {
    return (
      <Text size="sm" c="dimmed" data-testid="routing-explanation">
        {t('conversation.routing.none')}
      </Text>
    );
  }
  return (
    <Stack gap={4} data-testid="routing-explanation">
      {sentences(e, t, lang).map((s) => (
        <Text size="sm" key={s}>
          {s}
        </Text>
      ))}
    </Stack>
  );
}

function asExplanation(x: unknown): StoredExplanation | null {
  if (!x || typeof x !== 'object') return null;
  const e = x as Partial<StoredExplanation>;
  return typeof e.rule === 'string' && (e.outcome === 'assign' || e.outcome === 'wait') ? (x as StoredExplanation) : null;
}

export function sentences(e: StoredExplanation, t: T, lang: string): string[] {
  const rule = e.rule === 'fallback' ? t('conversation.routing.fallback') : t('conversation.routing.rule', { rule: e.rule });
  const agent = e.agentName ?? t('conversation.routing.anAgent');
  const out: string[] = [];
  if (e.outcome === 'assign') {
    out.push(
      e.teamName
        ? t('conversation.routing.assignedTeam', { agent, team: e.teamName, rule })
        : t('conversation.routing.assigned', { agent, rule }),
    );
    const why = tieBreak(e, agent, t);
    if (why) out.push(why);
  } else {
    out.push(e.teamName ? t('conversation.routing.waitingTeam', { team: e.teamName, rule }) : t('conversation.routing.waiting', { rule }));
    if (e.reason === 'no agents') out.push(t('conversation.routing.noAgents'));
  }
  if (e.outcome === 'assign' || e.reason !== 'no agents') out.push(t('conversation.routing.eligible', { count: e.eligible }));
  const passed = EXCLUSIONS.filter((r) => (e.excluded[r] ?? 0) > 0).map((r) =>
    t(`conversation.routing.excluded.${r}`, { count: e.excluded[r] ?? 0 }),
  );
  if (passed.length > 0) out.push(t('conversation.routing.passedOver', { list: list(passed, lang) }));
  out.push(
    e.escalationLevel > 0
      ? t('conversation.routing.priorityEscalated', { priority: e.priority, count: e.escalationLevel })
      : t('conversation.routing.priority', { priority: e.priority }),
  );
  return out;
}

/** The sentence for the tie-break that chose the agent. */
function tieBreak(e: StoredExplanation, agent: string, t: T): string | null {
  const numbers = [...e.reason.matchAll(/(\d+)(%| min)/g)].map((m) => m[1] ?? '');
  if (e.reason.startsWith('only eligible')) return t('conversation.routing.onlyOne', { agent });
  if (e.reason.startsWith('least occupied on this channel'))
    return t('conversation.routing.leastChannel', { agent, load: numbers[0], next: numbers[1] });
  if (e.reason.startsWith('least occupied')) return t('conversation.routing.least', { agent, load: numbers[0], next: numbers[1] });
  if (e.reason.startsWith('idle longest')) {
    return e.reason.includes('never assigned')
      ? t('conversation.routing.idleNever', { agent })
      : t('conversation.routing.idle', { agent, minutes: numbers[0], next: numbers[1] ?? '—' });
  }
  if (e.reason.startsWith('equal')) return t('conversation.routing.tie', { agent });
  return null;
}

function list(items: string[], lang: string): string {
  return new Intl.ListFormat(lang, { type: 'conjunction' }).format(items);
}
