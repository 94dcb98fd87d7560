import { Button, Popover, Table, Text } from '@mantine/core';
import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { ConversationCost } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { useLiveEvents } from '../live/live.tsx';

export const costQuery = (conversationId: string) =>
  queryOptions({
    queryKey: keys.cost(conversationId),
    queryFn: () => data<ConversationCost>(client.GET('/api/v1/conversations/{id}/cost', { params: { path: { id: conversationId } } })),
    staleTime: 30_000,
  });

/** An amount as a ledger line reads: "0.02 USD", keeping the fractions of a cent a message costs. */
export function amount(cost: number, currency: string, lang: string): string {
  return `${new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(cost)} ${currency}`;
}

/**
 * What the conversation cost on metered channels (WhatsApp's messages, X's posts), small beside
 * the conversation's details, with each line of the ledger in a popover. Read again whenever one of
 * its messages is added or changes (a reply is paid for when it is sent); nothing shows while it
 * cost nothing.
 */
export function CostBadge({ conversationId }: { conversationId: string }) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const cost = useQuery(costQuery(conversationId)).data;
  useLiveEvents((e) => {
    if (e.type === 'message' && e.conversationId === conversationId) {
      void queryClient.invalidateQueries({ queryKey: keys.cost(conversationId) });
    }
  });
  if (!cost || cost.lines.length === 0) return null;
  const total = cost.totals.map((x) => amount(x.cost, x.currency, lang)).join(' + ');
  return (
    <Popover position="bottom-end" withArrow shadow="md" width="min(22rem, calc(100vw - 2rem))">
      <Popover.Target>
        <Button size="compact-xs" variant="subtle" color="gray" data-testid="conversation-cost">
          {t('conversation.cost.label', { amount: total })}
        </Button>
      </Popover.Target>
      <Popover.Dropdown p="xs">
        <Text size="xs" fw={700} mb={4}>
          {t('conversation.cost.title')}
        </Text>
        <Table fz="xs" verticalSpacing={2} horizontalSpacing={4} data-testid="cost-lines">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('conversation.cost.what')}</Table.Th>
              <Table.Th ta="right">{t('conversation.cost.units')}</Table.Th>
              <Table.Th ta="right">{t('conversation.cost.cost')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cost.lines.map((l) => (
              <Table.Tr key={`${l.channelAccountId}:${l.kind}:${l.currency}`} data-testid="cost-line">
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{l.label}</Table.Td>
                <Table.Td ta="right">{l.units.toLocaleString(lang)}</Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {amount(l.cost, l.currency, lang)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Popover.Dropdown>
    </Popover>
  );
}
