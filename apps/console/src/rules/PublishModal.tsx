import { Button, Group, List, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import type { RuleIssue, RuleSetDocument } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { type DocRule, diff } from './model.ts';

/** Asks before publishing, saying what changes from the published version, rule by rule. */
export function PublishModal({
  opened,
  onClose,
  published,
  next,
  onConfirm,
  pending,
  refused,
}: {
  opened: boolean;
  onClose: () => void;
  published: { version: number; document: RuleSetDocument } | null;
  next: RuleSetDocument;
  onConfirm: (note: string) => void;
  pending: boolean;
  refused: { message: string; issues: RuleIssue[] } | null;
}) {
  const { t } = useT();
  const [note, setNote] = useState('');
  const c = diff(published?.document ?? null, next);
  const nameOf = (r: DocRule) => r.name || r.id;
  const version = (published?.version ?? 0) + 1;
  return (
    <Modal opened={opened} onClose={onClose} title={t('rules.publish.title', { version })}>
      <Stack gap="sm">
        <Text size="sm">{published ? t('rules.publish.intro', { version: published.version }) : t('rules.publish.introFirst')}</Text>
        <List size="sm" spacing={2} data-testid="publish-changes">
          {c.added.map((r) => (
            <List.Item key={`a-${r.id}`}>{t('rules.publish.added', { name: nameOf(r) })}</List.Item>
          ))}
          {c.removed.map((r) => (
            <List.Item key={`r-${r.id}`}>{t('rules.publish.removed', { name: nameOf(r) })}</List.Item>
          ))}
          {c.changed.map(({ rule, fields }) => (
            <List.Item key={`c-${rule.id}`}>
              {t('rules.publish.changed', { name: nameOf(rule), fields: fields.map((f) => t(`rules.publish.field.${f}`)).join(', ') })}
            </List.Item>
          ))}
          {c.moved && <List.Item>{t('rules.publish.moved')}</List.Item>}
          {c.fallback && <List.Item>{t('rules.publish.fallback')}</List.Item>}
          {c.aging && <List.Item>{t('rules.publish.aging')}</List.Item>}
        </List>
        <TextInput label={t('rules.publish.note')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={500} />
        {refused && (
          <Stack gap={2} role="alert">
            <Text c="red" size="sm">
              {refused.message}
            </Text>
            {refused.issues.map((i) => (
              <Text key={`${i.position}-${i.field}-${i.message}`} c="red" size="xs">
                {t('rules.issue.inRule', { position: i.position, rule: i.rule, field: i.field, message: i.message })}
              </Text>
            ))}
          </Stack>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app.cancel')}
          </Button>
          <Button loading={pending} onClick={() => onConfirm(note)}>
            {t('rules.publish.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
