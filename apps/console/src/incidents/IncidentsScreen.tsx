import './incidents.css';
import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { channelKindsQuery, meQuery } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { AnchorTo } from '../ui/links.tsx';
import { Screen } from '../ui/Screen.tsx';
import { DeclareForm } from './DeclareForm.tsx';
import { countRows, formatDuration, formatSeconds, incidentRef } from './format.ts';
import { kindName } from './kinds.ts';
import { ProposalCard } from './ProposalCard.tsx';
import { incidentListQuery, incidentQuery } from './queries.ts';
import type { IncidentView } from './types.ts';

/** Agents do not hear `incident.updated` (a supervisors' event): their lists are read again this often. */
const POLL_MS = 30_000;

/**
 * Incidents: what Centralita proposes (with its evidence, to accept or dismiss), the active ones
 * with their linked conversations by channel and how quickly they got a first update, and the
 * resolved ones. Everyone reads it; supervisors and admins declare, accept and dismiss.
 */
export function IncidentsScreen() {
  const { t } = useT();
  const me = useSuspenseQuery(meQuery).data;
  const manage = me.role !== 'agent';
  const poll = manage ? false : POLL_MS;
  const proposed = useQuery({ ...incidentListQuery('proposed'), refetchInterval: poll });
  const active = useQuery({ ...incidentListQuery('active'), refetchInterval: poll });
  const resolved = useQuery({ ...incidentListQuery('resolved'), refetchInterval: poll });
  const [form, setForm] = useState<{ proposal?: IncidentView } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), 30_000, { autoInvoke: true });
  return (
    <Screen
      title={t('incidents.title')}
      actions={
        manage && (
          <Button size="sm" onClick={() => setForm({})}>
            {t('incidents.declare')}
          </Button>
        )
      }
    >
      <Text c="dimmed" size="sm">
        {manage ? t('incidents.caption') : t('incidents.readOnly')}
      </Text>
      {(proposed.data?.length ?? 0) > 0 && (
        <section aria-labelledby="incidents-proposed">
          <Title order={2} size="h4" id="incidents-proposed" mb="xs">
            {t('incidents.sections.proposed')}
          </Title>
          <Stack gap="xs" component="ul" className="incident-list" data-testid="incident-proposals">
            {proposed.data?.map((i) => (
              <ProposalCard key={i.id} incident={i} manage={manage} onAccept={() => setForm({ proposal: i })} />
            ))}
          </Stack>
        </section>
      )}
      <section aria-labelledby="incidents-active">
        <Title order={2} size="h4" id="incidents-active" mb="xs">
          {t('incidents.sections.active')}
        </Title>
        {active.isSuccess && active.data.length === 0 && <Text size="sm">{t('incidents.empty.active')}</Text>}
        <Stack gap="xs" component="ul" className="incident-list" data-testid="incidents-active">
          {active.data?.map((i) => (
            <ActiveCard key={i.id} incident={i} now={now} />
          ))}
        </Stack>
      </section>
      <section aria-labelledby="incidents-resolved">
        <Title order={2} size="h4" id="incidents-resolved" mb="xs">
          {t('incidents.sections.resolved')}
        </Title>
        {resolved.isSuccess && resolved.data.length === 0 && <Text size="sm">{t('incidents.empty.resolved')}</Text>}
        <Stack gap={4} component="ul" className="incident-list" data-testid="incidents-resolved">
          {resolved.data?.map((i) => (
            <ResolvedLine key={i.id} incident={i} />
          ))}
        </Stack>
      </section>
      {form && <DeclareForm {...(form.proposal ? { proposal: form.proposal } : {})} onClose={() => setForm(null)} />}
    </Screen>
  );
}

function IncidentLink({ incident: i }: { incident: IncidentView }) {
  return (
    <AnchorTo to="/incidents/$incidentId" params={{ incidentId: i.id }} fw={600} className="incident-wrap">
      {incidentRef(i.number)} · {i.title}
    </AnchorTo>
  );
}

/** An active incident with its counts (read with the incident: the list does not carry them). */
function ActiveCard({ incident: i, now }: { incident: IncidentView; now: number }) {
  const { t, lang } = useT();
  const counts = useQuery(incidentQuery(i.id)).data?.counts;
  const kinds = useQuery(channelKindsQuery).data ?? [];
  const started = new Date(i.startsAt).getTime();
  const first = i.firstUpdateAt ? new Date(i.firstUpdateAt).getTime() : null;
  // How fast the centre answered: from the declaration (or acceptance), as the metrics count it.
  const declared = new Date(i.declaredAt ?? i.startsAt).getTime();
  return (
    <Paper withBorder p="sm" radius="md" component="li" data-testid="incident-card" aria-label={i.title}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" wrap="wrap" align="flex-start">
          <IncidentLink incident={i} />
          <Badge color="red" variant="light">
            {t('incidents.status.active')}
          </Badge>
        </Group>
        <Group gap="md" wrap="wrap">
          <Text size="sm" data-testid="incident-linked">
            {t('incidents.card.linked', { count: counts?.linked ?? 0 })}
          </Text>
          <Text size="sm" c="dimmed">
            {t('incidents.card.since', { time: formatDuration(now - started) })}
          </Text>
          <Text size="sm" c={first ? undefined : 'orange'} data-testid="incident-first-update">
            {first ? t('incidents.card.firstUpdate', { time: formatSeconds((first - declared) / 1000) }) : t('incidents.card.noUpdate')}
          </Text>
        </Group>
        {counts && countRows(counts.byChannel).length > 0 && (
          <Group gap={4} wrap="wrap" data-testid="incident-by-channel">
            {countRows(counts.byChannel).map((r) => (
              <Badge key={r.key} variant="outline" color="gray" tt="none">
                {kindName(r.key, kinds, lang)} {r.count}
              </Badge>
            ))}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function ResolvedLine({ incident: i }: { incident: IncidentView }) {
  const { t, lang } = useT();
  const when = i.resolvedAt
    ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(i.resolvedAt))
    : '';
  return (
    <Group component="li" gap="xs" wrap="wrap" data-testid="incident-resolved">
      <IncidentLink incident={i} />
      <Text size="xs" c="dimmed">
        {t('incidents.card.resolvedAt', { when })}
      </Text>
    </Group>
  );
}
