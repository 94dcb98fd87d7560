import { Button, Card, Group, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError, client, data } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import type { UsageReport } from '../../api/types.ts';
import { useT } from '../../i18n/index.tsx';
import '../strings.ts';
import { monthOf, usageQuery } from './usage.ts';

type Amount = number | string;

/**
 * An administrator's budget for a metered account: the monthly amount (empty for none) and the
 * price of each unit (the channel's list prices until changed). Raising a spent budget sends the
 * replies that waited for it at once, and says how many.
 */
export function BudgetEditor({ accountId }: { accountId: string }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const usage = useQuery(usageQuery(accountId, monthOf(new Date()))).data;
  const [budget, setBudget] = useState<Amount>('');
  const [prices, setPrices] = useState<Record<string, Amount>>({});
  const loaded = usage?.channelAccountId;
  // What is saved fills the form once it has loaded (and again for another account).
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when the account's figures first arrive
  useEffect(() => {
    if (!usage) return;
    setBudget(usage.budget ?? '');
    setPrices(Object.fromEntries(usage.kinds.map((k) => [k.kind, k.unitPrice])));
  }, [loaded]);
  const save = useMutation({
    mutationFn: () =>
      data<{ released: number }>(
        client.PUT('/api/v1/channel-accounts/{id}/budget', {
          params: { path: { id: accountId } },
          body: {
            monthlyBudget: budget === '' ? null : Number(budget),
            unitPrices: Object.fromEntries(
              Object.entries(prices)
                .filter(([, v]) => v !== '')
                .map(([k, v]) => [k, Number(v)]),
            ),
          },
        }),
      ),
    onSuccess: (res) => {
      notifications.show({
        color: 'green',
        message: res.released > 0 ? t('channels.budget.released', { count: res.released }) : t('channels.budget.saved'),
      });
      // The account list carries the month's state (the banner), and every month's usage its prices.
      void queryClient.invalidateQueries({ queryKey: keys.channelAccounts });
    },
  });
  if (!usage) return null;
  return (
    <Card withBorder padding="sm" data-testid="budget-editor">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <Title order={2} size="h5">
            {t('channels.budget.title')}
          </Title>
          <NumberInput
            label={t('channels.budget.monthly', { currency: usage.currency })}
            description={t('channels.budget.monthlyHelp')}
            value={budget}
            onChange={setBudget}
            min={0}
            decimalScale={2}
            maw={260}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('channels.budget.prices', { currency: usage.currency })}
            </Text>
            <Text size="xs" c="dimmed">
              {t('channels.budget.pricesHelp')}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
              {usage.kinds.map((k: UsageReport['kinds'][number]) => (
                <NumberInput
                  key={k.kind}
                  size="xs"
                  label={k.label}
                  value={prices[k.kind] ?? ''}
                  onChange={(v) => setPrices((p) => ({ ...p, [k.kind]: v }))}
                  min={0}
                  decimalScale={6}
                />
              ))}
            </SimpleGrid>
          </Stack>
          {save.error && (
            <Text c="red" size="sm" role="alert">
              {save.error instanceof ApiError ? save.error.message : String(save.error)}
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" size="sm" loading={save.isPending}>
              {t('channels.budget.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
