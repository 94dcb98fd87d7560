import { Badge, Button, Group, Modal, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useT } from '../i18n/index.tsx';
import { BarChart } from './BarChart.tsx';
import { incidentRef } from './format.ts';
import { dismissIncident, incidentKeys } from './queries.ts';
import type { IncidentEvidence, IncidentView } from './types.ts';

type EvidenceKey = IncidentEvidence['keys'][number];

/** The key that tells the story: the one the most above its own baseline, the busiest on a tie. */
export function leadingKey(evidence: IncidentEvidence | null): EvidenceKey | null {
  const list = evidence?.keys ?? [];
  if (list.length === 0) return null;
  return list.reduce((a, b) => (b.ratio > a.ratio || (b.ratio === a.ratio && b.current > a.current) ? b : a));
}

/**
 * A spike Centralita noticed, with its evidence (the words and regions, a chart of the leading
 * key's counts, how far above its usual level, the viral post if one gathered the replies) and
 * a supervisor's decision: Accept (the declare form, prefilled) or Dismiss (remembered).
 */
export function ProposalCard({ incident: i, manage, onAccept }: { incident: IncidentView; manage: boolean; onAccept(): void }) {
  const { t, lang } = useT();
  const [dismissing, setDismissing] = useState(false);
  const lead = leadingKey(i.evidence);
  const minutes = i.evidence?.bucketMinutes ?? 5;
  const proposed = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(i.proposedAt ?? i.createdAt));
  const terms = [...new Set([...i.services, ...i.keywords])];
  const number = (n: number) => new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(n);
  return (
    <Paper withBorder p="sm" radius="md" component="li" data-testid="incident-proposal" aria-label={i.title}>
      <Stack gap="xs">
        <Group justify="space-between" gap="xs" wrap="wrap" align="flex-start">
          <div style={{ minWidth: 0 }}>
            <Title order={3} size="h5" className="incident-wrap">
              {incidentRef(i.number)} · {i.title}
            </Title>
            <Text size="xs" c="dimmed">
              {t('incidents.proposal.proposedAt', { when: proposed })}
            </Text>
          </div>
          <Badge color="orange" variant="light">
            {t('incidents.status.proposed')}
          </Badge>
        </Group>
        <Chips label={t('incidents.proposal.terms')} values={terms} testId="proposal-terms" />
        <Chips label={t('incidents.proposal.regions')} values={i.regions} empty={t('incidents.anywhere')} testId="proposal-regions" />
        {lead && (
          <>
            <BarChart points={lead.counts} label={t('incidents.proposal.chart', { minutes, key: lead.key })} testId="proposal-chart" />
            <Text size="xs" data-testid="proposal-spike">
              {t('incidents.proposal.spike', {
                count: lead.current,
                minutes,
                ratio: number(lead.ratio),
                baseline: number(lead.baseline),
              })}
            </Text>
          </>
        )}
        {i.evidence?.viralPost && (
          <Text size="xs" data-testid="proposal-viral" className="incident-wrap">
            {t('incidents.proposal.viral', { count: i.evidence.viralPost.replies, post: i.evidence.viralPost.externalId })}
          </Text>
        )}
        {manage && (
          <Group gap="xs">
            <Button size="xs" onClick={onAccept} aria-label={t('incidents.proposal.acceptOf', { title: i.title })}>
              {t('incidents.proposal.accept')}
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => setDismissing(true)}
              aria-label={t('incidents.proposal.dismissOf', { title: i.title })}
            >
              {t('incidents.proposal.dismiss')}
            </Button>
          </Group>
        )}
      </Stack>
      {dismissing && <DismissDialog incident={i} onClose={() => setDismissing(false)} />}
    </Paper>
  );
}

/** A labelled row of values as small chips (words, regions), or what an empty one means. */
export function Chips({ label, values, empty, testId }: { label: string; values: string[]; empty?: string; testId: string }) {
  if (values.length === 0 && !empty) return null;
  return (
    <Group gap={4} wrap="wrap" data-testid={testId}>
      <Text size="xs" c="dimmed" span>
        {label}:
      </Text>
      {values.length === 0 ? (
        <Text size="xs" span>
          {empty}
        </Text>
      ) : (
        values.map((v) => (
          <Badge key={v} size="sm" variant="outline" color="gray" tt="none">
            {v}
          </Badge>
        ))
      )}
    </Group>
  );
}

function DismissDialog({ incident: i, onClose }: { incident: IncidentView; onClose(): void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const dismiss = useMutation({
    mutationFn: () => dismissIncident(i.id, reason.trim() || null),
    onSuccess: async () => {
      notifications.show({ message: t('incidents.proposal.dismissed', { title: i.title }) });
      onClose();
      await queryClient.invalidateQueries({ queryKey: incidentKeys.all });
    },
  });
  return (
    <Modal opened onClose={onClose} title={t('incidents.proposal.dismissTitle')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          dismiss.mutate();
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{t('incidents.proposal.dismissHint')}</Text>
          <Textarea
            label={t('incidents.proposal.reason')}
            value={reason}
            maxLength={500}
            autosize
            minRows={2}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-autofocus
          />
          {dismiss.isError && (
            <Text size="sm" c="red" role="alert">
              {dismiss.error.message}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" color="red" loading={dismiss.isPending}>
              {t('incidents.proposal.confirmDismiss')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
