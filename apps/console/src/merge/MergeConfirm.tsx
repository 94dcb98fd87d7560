import { Alert, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/client.ts';
import { identityKind } from '../contact/kinds.ts';
import { type Contact, contactQuery } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';

/** A contact's name as the panel shows it: the name, else the first identity's. */
export function contactLabel(c: Pick<Contact, 'name' | 'identities'> | undefined, fallback: string): string {
  return c?.name ?? c?.identities[0]?.displayName ?? c?.identities[0]?.externalId ?? fallback;
}

/** Which of two contacts a suggestion keeps (the server's rule): the older, by creation, then by id. */
export function olderOf(a: Pick<Contact, 'id' | 'createdAt'>, b: Pick<Contact, 'id' | 'createdAt'>): string {
  const d = new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime();
  return d < 0 || (d === 0 && a.id < b.id) ? a.id : b.id;
}

/** What a merge moves, in words: who goes into whom, their identities and conversations, and that it can be undone. */
export function MergeSummary({ source, target, folds }: { source: Contact; target: Contact; folds: boolean }) {
  const { t } = useT();
  const from = contactLabel(source, t('merge.unnamed'));
  const into = contactLabel(target, t('merge.unnamed'));
  return (
    <Stack gap={6} data-testid="merge-summary">
      <Text size="sm" fw={600}>
        {t('merge.confirm.into', { source: from, target: into })}
      </Text>
      <Text size="sm">
        {t('merge.confirm.moves', {
          target: into,
          identities: t('merge.count.identities', { count: source.identities.length }),
          conversations: t('merge.count.conversations', { count: source.conversations.length }),
        })}
      </Text>
      {source.identities.length > 0 && (
        <Stack gap={0} component="ul" className="plain-list">
          {source.identities.map((i) => (
            <Text size="xs" c="dimmed" component="li" key={`${i.kind}:${i.externalId}`} className="break-anywhere">
              {identityKind(i.kind, t)}: {i.externalId}
            </Text>
          ))}
        </Stack>
      )}
      {folds && <Text size="sm">{t('merge.confirm.folds')}</Text>}
      <Text size="xs" c="dimmed">
        {t('merge.confirm.undo')}
      </Text>
    </Stack>
  );
}

/**
 * "Merge these contacts?": what moves where (both contacts read afresh), then Merge or Cancel.
 * `into` is the contact that stays, or `older` for a suggestion (the server keeps the older one).
 * The server's refusal (one of them merged meanwhile) is shown as it words it.
 */
export function MergeConfirm({
  contacts,
  into,
  folds,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  contacts: readonly [string, string];
  into: string | 'older';
  folds: boolean;
  pending: boolean;
  error: unknown;
  onConfirm(): void;
  onClose(): void;
}) {
  const { t } = useT();
  const a = useQuery(contactQuery(contacts[0])).data;
  const b = useQuery(contactQuery(contacts[1])).data;
  const targetId = a && b ? (into === 'older' ? olderOf(a, b) : into) : null;
  const target = targetId === null ? null : targetId === a?.id ? a : b;
  const source = targetId === null ? null : targetId === a?.id ? b : a;
  return (
    <Modal opened onClose={onClose} title={t('merge.confirm.title')}>
      <Stack gap="sm">
        {source && target ? (
          <MergeSummary source={source} target={target} folds={folds} />
        ) : (
          <Loader size="sm" aria-label={t('app.loading')} />
        )}
        {error ? (
          <Alert color="red" variant="light" role="alert" data-testid="merge-error">
            {error instanceof ApiError ? error.message : String(error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app.cancel')}
          </Button>
          <Button onClick={onConfirm} loading={pending} disabled={!source || !target} data-testid="merge-confirm">
            {t('merge.confirm.button')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
