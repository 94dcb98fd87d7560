import { Alert, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Me } from '../api/types.ts';
import { channelAccountsQuery } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';
import { AnchorTo } from '../ui/links.tsx';

/** Accounts are read again this often for administrators (and at once on a budget event, live.tsx). */
const REFRESH_MS = 60_000;

/**
 * Tells administrators, on every screen, when a metered account (X) has spent 80% of its monthly
 * budget or all of it, which one, and what happens: replies wait until the budget is raised or
 * the month turns. Each links to the account's screen, where the budget is set.
 */
export function BudgetBanner({ me }: { me: Me }) {
  const { t, lang } = useT();
  const admin = me.role === 'admin';
  const accounts = useQuery({ ...channelAccountsQuery, enabled: admin, refetchInterval: REFRESH_MS }).data ?? [];
  const spent = accounts.filter((a) => a.active && a.usage && a.usage.state !== 'ok' && a.usage.budget !== null);
  if (!admin || spent.length === 0) return null;
  const money = (amount: number, currency: string) =>
    currency ? new Intl.NumberFormat(lang, { style: 'currency', currency }).format(amount) : amount.toLocaleString(lang);
  return (
    <Stack gap={0}>
      {spent.map((a) => {
        const u = a.usage as NonNullable<typeof a.usage>;
        const words = { account: a.name, spent: money(u.spent, u.currency), budget: money(u.budget ?? 0, u.currency) };
        return (
          <Alert
            key={a.id}
            color={u.state === 'exhausted' ? 'red' : 'orange'}
            variant="light"
            py={6}
            px="sm"
            radius={0}
            role="status"
            data-testid="budget-banner"
          >
            <Group gap="sm" wrap="wrap">
              <Text size="sm" style={{ flex: 1, minWidth: 180 }}>
                {u.state === 'exhausted' ? t('budget.exhausted', words) : t('budget.warning', words)}
              </Text>
              <AnchorTo to="/channels/$accountId" params={{ accountId: a.id }} size="sm" fw={600}>
                {t('budget.open')}
              </AnchorTo>
            </Group>
          </Alert>
        );
      })}
    </Stack>
  );
}
