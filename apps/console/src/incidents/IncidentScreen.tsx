import './incidents.css';
import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { channelKindsQuery, meQuery } from '../api/queries.ts';
import { useT } from '../i18n/index.tsx';
import { AnchorTo } from '../ui/links.tsx';
import { Screen } from '../ui/Screen.tsx';
import { BroadcastComposer } from './BroadcastComposer.tsx';
import { BroadcastList } from './BroadcastProgress.tsx';
import { DeclareForm } from './DeclareForm.tsx';
import { countRows, incidentRef } from './format.ts';
import { kindName } from './kinds.ts';
import { LinkedConversations } from './LinkedConversations.tsx';
import { MetricsPanel } from './MetricsPanel.tsx';
import { Chips, ProposalCard } from './ProposalCard.tsx';
import { incidentKeys, incidentQuery, patchIncident } from './queries.ts';
import { ResolveDialog } from './ResolveDialog.tsx';
import type { IncidentView } from './types.ts';

const STATUS_COLOR = { proposed: 'orange', active: 'red', resolved: 'green', dismissed: 'gray' } as const;

/** One incident: what it is, its conversations by channel and region, the updates sent and to send, resolving it, and its metrics. */
export function IncidentScreen() {
  const { t } = useT();
  const { incidentId } = useParams({ strict: false }) as { incidentId: string };
  const incident = useQuery(incidentQuery(incidentId));
  if (incident.isError) {
    return (
      <Screen title={t('incidents.title')}>
        <Alert color="red" role="alert">
          {incident.error instanceof ApiError && incident.error.status === 404 ? t('incidents.detail.notFound') : incident.error.message}
        </Alert>
        <Back />
      </Screen>
    );
  }
  if (!incident.data) return null;
  return <Loaded incident={incident.data} />;
}

function Back() {
  const { t } = useT();
  return (
    <AnchorTo to="/incidents" size="sm">
      ← {t('incidents.detail.back')}
    </AnchorTo>
  );
}

function Loaded({ incident: i }: { incident: IncidentView }) {
  const { t, lang } = useT();
  const me = useSuspenseQuery(meQuery).data;
  const manage = me.role !== 'agent';
  const [resolving, setResolving] = useState(false);
  const [accepting, setAccepting] = useState(false);
  const when = (iso: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  return (
    <Screen
      title={`${incidentRef(i.number)} · ${i.title}`}
      actions={
        <Group gap="xs">
          <Badge color={STATUS_COLOR[i.status]} variant="light" data-testid="incident-status">
            {t(`incidents.status.${i.status}`)}
          </Badge>
          {manage && i.status === 'active' && (
            <Button size="xs" color="green" onClick={() => setResolving(true)}>
              {t('incidents.resolve.action')}
            </Button>
          )}
        </Group>
      }
    >
      <Back />
      {i.status === 'proposed' && (
        <Stack component="ul" className="incident-list">
          <ProposalCard incident={i} manage={manage} onAccept={() => setAccepting(true)} />
        </Stack>
      )}
      <Card withBorder padding="sm">
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            {t('incidents.detail.startedAt', { when: when(i.startsAt) })}
            {i.resolvedAt ? ` · ${t('incidents.card.resolvedAt', { when: when(i.resolvedAt) })}` : ''}
          </Text>
          <StatusText incident={i} manage={manage} />
          <Chips label={t('incidents.form.regions')} values={i.regions} empty={t('incidents.anywhere')} testId="incident-regions" />
          <Chips label={t('incidents.form.services')} values={i.services} testId="incident-services" />
          <Chips label={t('incidents.form.keywords')} values={i.keywords} testId="incident-keywords" />
          <Chips label={t('incidents.form.languages')} values={i.languages} testId="incident-languages" />
        </Stack>
      </Card>
      <Counts incident={i} />
      {manage && i.status === 'active' && <BroadcastComposer incident={i} />}
      {manage && <BroadcastList incidentId={i.id} />}
      <LinkedConversations incident={i} />
      {manage && i.status !== 'proposed' && <MetricsPanel incidentId={i.id} />}
      {resolving && <ResolveDialog incident={i} onClose={() => setResolving(false)} />}
      {accepting && <DeclareForm proposal={i} onClose={() => setAccepting(false)} />}
    </Screen>
  );
}

/** What customers are told; supervisors change it here (updates include it as {status}). */
function StatusText({ incident: i, manage }: { incident: IncidentView; manage: boolean }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (statusText: string) => patchIncident(i.id, { statusText }),
    onSuccess: async () => {
      setEditing(null);
      notifications.show({ color: 'green', message: t('incidents.detail.statusSaved') });
      await queryClient.invalidateQueries({ queryKey: incidentKeys.all });
    },
  });
  if (editing !== null) {
    return (
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(editing.trim());
        }}
      >
        <Stack gap="xs">
          <Textarea
            label={t('incidents.form.statusText')}
            description={t('incidents.form.statusTextHint')}
            value={editing}
            onChange={(e) => setEditing(e.currentTarget.value)}
            maxLength={2000}
            autosize
            minRows={2}
            autoFocus
            error={save.error?.message}
          />
          <Group gap="xs" justify="flex-end">
            <Button size="xs" variant="default" onClick={() => setEditing(null)}>
              {t('app.cancel')}
            </Button>
            <Button size="xs" type="submit" loading={save.isPending}>
              {t('app.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    );
  }
  return (
    <Group gap="xs" align="flex-start" wrap="nowrap">
      <div style={{ flex: 1, minWidth: 0 }}>
        <Text size="xs" c="dimmed">
          {t('incidents.form.statusText')}
        </Text>
        <Text size="sm" className="incident-text" data-testid="incident-status-text">
          {i.statusText || t('incidents.detail.noStatusText')}
        </Text>
      </div>
      {manage && i.status !== 'resolved' && i.status !== 'dismissed' && (
        <Button size="compact-xs" variant="default" onClick={() => setEditing(i.statusText)}>
          {t('incidents.detail.editStatus')}
        </Button>
      )}
    </Group>
  );
}

function Counts({ incident: i }: { incident: IncidentView }) {
  const { t, lang } = useT();
  const kinds = useQuery(channelKindsQuery).data ?? [];
  const c = i.counts;
  if (!c) return null;
  const figure = (label: string, value: number, testId: string) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value.toLocaleString(lang)}
      </Text>
    </div>
  );
  const table = (title: string, column: string, rows: { key: string; label: string; count: number }[], testId: string) => (
    <div className="incident-table">
      <Title order={3} size="h6" mb={4}>
        {title}
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('incidents.detail.noneYet')}
        </Text>
      ) : (
        <Table data-testid={testId} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{column}</Table.Th>
              <Table.Th ta="right">{t('incidents.detail.count')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.key}>
                <Table.Td>{r.label}</Table.Td>
                <Table.Td ta="right">{r.count.toLocaleString(lang)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </div>
  );
  return (
    <Card withBorder padding="sm" component="section" aria-label={t('incidents.detail.counts')}>
      <Stack gap="sm">
        <Group gap="xl" wrap="wrap">
          {figure(t('incidents.detail.linked'), c.linked, 'count-linked')}
          {figure(t('incidents.detail.open'), c.open, 'count-open')}
          {figure(t('incidents.detail.resolved'), c.resolved, 'count-resolved')}
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          {table(
            t('incidents.detail.byChannel'),
            t('incidents.detail.channel'),
            countRows(c.byChannel).map((r) => ({ ...r, label: kindName(r.key, kinds, lang) })),
            'count-by-channel',
          )}
          {table(
            t('incidents.detail.byRegion'),
            t('incidents.detail.region'),
            countRows(c.byRegion).map((r) => ({ ...r, label: r.key && r.key !== 'unknown' ? r.key : t('incidents.detail.unknownRegion') })),
            'count-by-region',
          )}
        </SimpleGrid>
      </Stack>
    </Card>
  );
}
