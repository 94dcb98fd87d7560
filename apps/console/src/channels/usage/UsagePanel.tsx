import { Alert, Badge, Card, Group, Progress, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { BudgetState } from '../../api/types.ts';
import { useT } from '../../i18n/index.tsx';
import '../strings.ts';
import { money, monthLabel, monthOf, percentSpent, recentMonths, usageQuery } from './usage.ts';

const STATE_COLOR: Record<BudgetState, string> = { ok: 'green', warning: 'orange', exhausted: 'red' };

/**
 * What a metered account (X) used and spent in a month, kind by kind, with the total against its
 * monthly budget; any of the last twelve months can be picked. For supervisors and admins (the
 * server refuses agents, and then nothing shows).
 */
export function UsagePanel({ accountId }: { accountId: string }) {
  const { t, lang } = useT();
  const [month, setMonth] = useState(() => monthOf(new Date()));
  const usage = useQuery({ ...usageQuery(accountId, month), placeholderData: (previous) => previous });
  const u = usage.data;
  const percent = u ? percentSpent(u.total, u.budget) : null;
  return (
    <Card withBorder padding="sm" data-testid="usage">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h5">
            {t('channels.usage.title')}
          </Title>
          <Select
            size="xs"
            w={180}
            aria-label={t('channels.usage.month')}
            value={month}
            allowDeselect={false}
            onChange={(v) => v && setMonth(v)}
            data={recentMonths(new Date()).map((m) => ({ value: m, label: monthLabel(m, lang) }))}
            comboboxProps={{ withinPortal: true }}
          />
        </Group>
        {usage.isError && (
          <Alert color="red" p="xs">
            {t('channels.usage.error', { message: usage.error.message })}
          </Alert>
        )}
        {u && (
          <>
            <Table layout="fixed" fz="xs" verticalSpacing={4} horizontalSpacing={6} aria-label={t('channels.usage.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w="40%">{t('channels.usage.kind')}</Table.Th>
                  <Table.Th ta="right">{t('channels.usage.units')}</Table.Th>
                  <Table.Th ta="right">{t('channels.usage.unitPrice')}</Table.Th>
                  <Table.Th ta="right">{t('channels.usage.cost')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {u.kinds.map((k) => (
                  <Table.Tr key={k.kind} data-testid="usage-row">
                    <Table.Td style={{ overflowWrap: 'anywhere' }}>{k.label}</Table.Td>
                    <Table.Td ta="right">{k.units.toLocaleString(lang)}</Table.Td>
                    <Table.Td ta="right" style={{ overflowWrap: 'anywhere' }}>
                      {money(k.unitPrice, u.currency, lang, { price: true })}
                    </Table.Td>
                    <Table.Td ta="right">{money(k.cost, u.currency, lang)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
              <Table.Tfoot>
                <Table.Tr>
                  <Table.Th colSpan={3}>{t('channels.usage.total')}</Table.Th>
                  <Table.Th ta="right" data-testid="usage-total">
                    {money(u.total, u.currency, lang)}
                  </Table.Th>
                </Table.Tr>
              </Table.Tfoot>
            </Table>
            {u.budget === null ? (
              <Text size="sm" c="dimmed">
                {t('channels.usage.noBudget')}
              </Text>
            ) : (
              <Stack gap={4}>
                <Group gap="xs" wrap="wrap" justify="space-between">
                  <Text size="sm" data-testid="usage-budget">
                    {t('channels.usage.spentOf', {
                      spent: money(u.total, u.currency, lang),
                      budget: money(u.budget, u.currency, lang),
                      percent: percent ?? 0,
                    })}
                  </Text>
                  <Badge color={STATE_COLOR[u.state]} variant="light" data-testid="budget-state">
                    {t(`channels.usage.state.${u.state}`)}
                  </Badge>
                </Group>
                <Progress
                  value={Math.min(percent ?? 0, 100)}
                  color={STATE_COLOR[u.state]}
                  aria-label={t('channels.usage.budget', { budget: money(u.budget, u.currency, lang) })}
                />
                <Text size="xs" c="dimmed">
                  {t(`channels.usage.meaning.${u.state}`)}
                </Text>
              </Stack>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
