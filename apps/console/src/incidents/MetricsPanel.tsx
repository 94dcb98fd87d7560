import { Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useT } from '../i18n/index.tsx';
import { BarChart } from './BarChart.tsx';
import { formatMoney, formatSeconds } from './format.ts';
import { metricsQuery } from './queries.ts';

/**
 * What the incident cost the contact centre and how it was answered: contacts over time, how soon
 * the first update went out, how many conversations the broadcasts answered with no agent
 * touching them, who answered first, and what the messages cost.
 */
export function MetricsPanel({ incidentId }: { incidentId: string }) {
  const { t, lang } = useT();
  const m = useQuery(metricsQuery(incidentId)).data;
  if (!m) return null;
  // Measured from the declaration (or the proposal's acceptance), not the outage's start: how fast the centre answered.
  const firstUpdate = m.timeToFirstUpdateSeconds;
  const figure = (label: string, value: string, testId: string, hint?: string) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="lg" fw={700} data-testid={testId}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </div>
  );
  const cost = m.cost.filter((c) => c.costMicros > 0);
  return (
    <Card withBorder padding="sm" component="section" aria-labelledby="incident-metrics-title" data-testid="incident-metrics">
      <Stack gap="sm">
        <Title order={2} size="h5" id="incident-metrics-title">
          {t('incidents.metrics.title')}
        </Title>
        <BarChart
          points={m.contacts}
          label={t('incidents.metrics.contacts', { minutes: m.bucketMinutes })}
          color="var(--mantine-color-blue-6)"
          testId="metrics-contacts"
        />
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
          {figure(
            t('incidents.metrics.firstUpdate'),
            firstUpdate === null ? t('incidents.metrics.noUpdate') : formatSeconds(firstUpdate),
            'metrics-first-update',
          )}
          {figure(
            t('incidents.metrics.absorbed'),
            t('incidents.metrics.ofLinked', { count: m.absorbed, linked: m.linked.toLocaleString(lang) }),
            'metrics-absorbed',
            t('incidents.metrics.absorbedHint'),
          )}
          {figure(
            t('incidents.metrics.answeredBy'),
            t('incidents.metrics.answeredSplit', {
              broadcast: m.firstResponse.broadcast.toLocaleString(lang),
              agent: m.firstResponse.agent.toLocaleString(lang),
            }),
            'metrics-first-response',
            t('incidents.metrics.unanswered', { count: m.firstResponse.unanswered }),
          )}
          {figure(
            t('incidents.metrics.cost'),
            cost.length ? cost.map((c) => formatMoney(c.costMicros, c.currency, lang)).join(' + ') : t('incidents.estimate.noCost'),
            'metrics-cost',
          )}
        </SimpleGrid>
      </Stack>
    </Card>
  );
}
