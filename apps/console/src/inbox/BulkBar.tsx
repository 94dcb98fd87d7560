import { Button, CloseButton, Group, Menu, Popover, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client } from '../api/client.ts';
import { agentsQuery, keys } from '../api/queries.ts';
import type { InboxRow } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { rowTitle } from './Row.tsx';
import { type SnoozePreset, snoozeUntil } from './snooze.ts';

type Action =
  | { action: 'assign'; agentId: string | null }
  | { action: 'tag'; add: string[] }
  | { action: 'resolve' }
  | { action: 'snooze'; until: string };

/** What to do with the checked rows, through POST /conversations/bulk; refusals are reported by name. */
export function BulkBar({ ids, rows, myUserId, onDone }: { ids: string[]; rows: InboxRow[]; myUserId: string | null; onDone(): void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const agents = useQuery(agentsQuery).data ?? [];
  const me = agents.find((a) => a.id === myUserId);
  const [tag, setTag] = useState('');
  const [tagOpen, setTagOpen] = useState(false);
  const run = useMutation({
    mutationFn: async (a: Action) => {
      const { data } = await client.POST('/api/v1/conversations/bulk', { body: { ids, ...a } });
      return data?.results ?? [];
    },
    onSuccess: (results) => {
      const failed = results.filter((r) => !r.ok);
      const done = results.length - failed.length;
      if (done > 0) notifications.show({ color: 'green', message: t('inbox.bulk.done', { count: done }) });
      if (failed.length > 0) {
        const names = failed.map((f) => {
          const row = rows.find((r) => r.id === f.id);
          return row ? rowTitle(row) : t('app.none');
        });
        notifications.show({
          color: 'red',
          autoClose: false,
          title: t('inbox.bulk.failedTitle'),
          message: `${t('inbox.bulk.failed', { count: failed.length })}: ${names.join(', ')}`,
        });
      }
      void queryClient.invalidateQueries({ queryKey: keys.conversations });
      onDone();
    },
    onError: (e) => notifications.show({ color: 'red', message: t('app.error', { message: e.message }) }),
  });
  const snooze = (p: SnoozePreset) =>
    run.mutate({ action: 'snooze', until: snoozeUntil(p, me?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone).toISOString() });
  return (
    <Group className="inbox-bulk" gap={6} wrap="wrap" role="toolbar" aria-label={t('inbox.bulk.selected', { count: ids.length })}>
      <CloseButton size="sm" aria-label={t('inbox.bulk.clear')} onClick={onDone} />
      <Text size="sm" fw={600} data-testid="bulk-count">
        {t('inbox.bulk.selected', { count: ids.length })}
      </Text>
      <div style={{ flex: 1 }} />
      <Menu withinPortal position="bottom-end">
        <Menu.Target>
          <Button size="compact-xs" variant="default" loading={run.isPending}>
            {t('inbox.bulk.assign')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown mah={320} style={{ overflowY: 'auto' }}>
          {myUserId && <Menu.Item onClick={() => run.mutate({ action: 'assign', agentId: myUserId })}>{t('inbox.bulk.toMe')}</Menu.Item>}
          <Menu.Item onClick={() => run.mutate({ action: 'assign', agentId: null })}>{t('inbox.bulk.unassign')}</Menu.Item>
          <Menu.Label>{t('inbox.bulk.assignTo')}</Menu.Label>
          {agents
            .filter((a) => a.id !== myUserId)
            .map((a) => (
              <Menu.Item key={a.id} onClick={() => run.mutate({ action: 'assign', agentId: a.id })}>
                {a.name}
              </Menu.Item>
            ))}
        </Menu.Dropdown>
      </Menu>
      <Popover opened={tagOpen} onChange={setTagOpen} withinPortal trapFocus position="bottom-end">
        <Popover.Target>
          <Button size="compact-xs" variant="default" onClick={() => setTagOpen((o) => !o)}>
            {t('inbox.bulk.tag')}
          </Button>
        </Popover.Target>
        <Popover.Dropdown>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!tag.trim()) return;
              run.mutate({ action: 'tag', add: [tag.trim()] });
              setTag('');
              setTagOpen(false);
            }}
          >
            <Group gap={6} align="end">
              <TextInput
                size="xs"
                label={t('inbox.bulk.tagLabel')}
                value={tag}
                maxLength={40}
                onChange={(e) => setTag(e.currentTarget.value)}
              />
              <Button size="xs" type="submit">
                {t('inbox.bulk.tagApply')}
              </Button>
            </Group>
          </form>
        </Popover.Dropdown>
      </Popover>
      <Menu withinPortal position="bottom-end">
        <Menu.Target>
          <Button size="compact-xs" variant="default">
            {t('inbox.bulk.snooze')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => snooze('hour')}>{t('inbox.bulk.snoozeHour')}</Menu.Item>
          <Menu.Item onClick={() => snooze('tomorrow')}>{t('inbox.bulk.snoozeTomorrow')}</Menu.Item>
          <Menu.Item onClick={() => snooze('week')}>{t('inbox.bulk.snoozeWeek')}</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Button size="compact-xs" onClick={() => run.mutate({ action: 'resolve' })} loading={run.isPending}>
        {t('inbox.bulk.resolve')}
      </Button>
    </Group>
  );
}
