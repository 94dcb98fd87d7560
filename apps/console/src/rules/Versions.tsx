import { Badge, Button, Card, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { client, data } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { RuleSetVersion } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';

export const versionsQuery = queryOptions({
  queryKey: keys.ruleVersions,
  queryFn: async () => (await data<{ items: Omit<RuleSetVersion, 'document'>[] }>(client.GET('/api/v1/routing/rules/versions'))).items,
});

/** Published versions, newest first; any earlier one can be published again (a rollback). */
export function Versions({ canPublish, onRolledBack }: { canPublish: boolean; onRolledBack: () => void }) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const versions = useQuery(versionsQuery).data ?? [];
  const [asking, setAsking] = useState<number | null>(null);
  const rollback = useMutation({
    mutationFn: async (version: number) =>
      (
        await data<{ version: RuleSetVersion }>(
          client.POST('/api/v1/routing/rules/versions/{version}/publish', { params: { path: { version: String(version) } } }),
        )
      ).version,
    onSuccess: async (now, version) => {
      setAsking(null);
      notifications.show({ message: t('rules.versions.rolledBack', { version, now: now.version }) });
      // The editor starts again from what is now published, so that must be read first.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.rules, exact: true }),
        queryClient.invalidateQueries({ queryKey: keys.ruleVersions }),
      ]);
      onRolledBack();
    },
  });
  const when = (iso: string | null) =>
    iso ? new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '';
  if (versions.length === 0) return <Text size="sm">{t('rules.versions.none')}</Text>;
  return (
    <Stack gap="xs" data-testid="versions">
      {versions.map((v) => (
        <Card
          key={v.version}
          withBorder
          padding="xs"
          data-testid="version"
          aria-label={t('rules.versions.version', { version: v.version })}
        >
          <Group justify="space-between" wrap="wrap" gap="xs">
            <div>
              <Group gap="xs">
                <Text fw={600}>{t('rules.versions.version', { version: v.version })}</Text>
                <Badge variant="light" color={v.status === 'published' ? 'green' : 'gray'}>
                  {v.status === 'published' ? t('rules.versions.current') : t('rules.versions.retired')}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {t('rules.versions.publishedAt', { when: when(v.publishedAt) })}
                {v.note ? ` · ${v.note}` : ''}
              </Text>
            </div>
            {canPublish && v.status !== 'published' && (
              <Button size="xs" variant="light" onClick={() => setAsking(v.version)}>
                {t('rules.versions.rollback', { version: v.version })}
              </Button>
            )}
          </Group>
        </Card>
      ))}
      <Modal opened={asking !== null} onClose={() => setAsking(null)} title={t('rules.versions.rollback', { version: asking ?? 0 })}>
        <Text size="sm">{t('rules.versions.rollbackConfirm', { version: asking ?? 0 })}</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setAsking(null)}>
            {t('app.cancel')}
          </Button>
          <Button loading={rollback.isPending} onClick={() => asking !== null && rollback.mutate(asking)}>
            {t('rules.versions.rollback', { version: asking ?? 0 })}
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}
