import '../composer/templates/strings.ts';
import { MAX_TEMPLATE_PARAMETER, renderTemplate } from '@centralita/channel-kit/templates';
import { Alert, Loader, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { keys } from '../api/queries.ts';
import type { MessageTemplate } from '../api/types.ts';
import { TemplatePicker } from '../composer/templates/TemplatePicker.tsx';
import {
  choiceOf,
  fetchTemplates,
  groupTemplates,
  parameterProblems,
  templateId,
  templatesQuery,
} from '../composer/templates/templates.ts';
import { useT } from '../i18n/index.tsx';
import type { TemplateChoice } from './types.ts';

/**
 * The WhatsApp template for the conversations whose 24-hour window is closed (the estimate says
 * how many): the composer's own picker and checks, with one set of values for every recipient
 * ({name} in a value becomes each customer's name). `onChoice` gets null until it would be sent.
 */
export function TemplateChooser({ accountId, onChoice }: { accountId: string; onChoice(c: TemplateChoice | null): void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const list = useQuery(templatesQuery(accountId));
  const refresh = useMutation({
    mutationFn: () => fetchTemplates(accountId, true),
    onSuccess: (fresh) => queryClient.setQueryData(keys.templates(accountId), fresh),
  });
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<MessageTemplate | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  if (list.isPending) return <Loader size="xs" aria-label={t('app.loading')} />;
  const templates = list.data?.templates ?? [];
  const emit = (template: MessageTemplate | null, v: Record<string, string>) => {
    const ok = template && Object.keys(parameterProblems(template, v)).length === 0;
    onChoice(ok ? choiceOf(template, v) : null);
  };
  const problems = picked ? parameterProblems(picked, values) : {};
  return (
    <Stack gap="xs" data-testid="broadcast-template">
      {(list.error ?? refresh.error) && (
        <Alert color="red" variant="light" p="xs" role="alert">
          {t('templates.failed', { message: (list.error ?? refresh.error)?.message ?? '' })}
        </Alert>
      )}
      <TemplatePicker
        groups={groupTemplates(templates, query, null)}
        any={templates.length > 0}
        query={query}
        onQuery={setQuery}
        selected={picked}
        onSelect={(x) => {
          setPicked(x);
          setValues({});
          emit(x, {});
        }}
        onRefresh={() => refresh.mutate()}
        refreshing={refresh.isPending}
        fetchedAt={list.data?.fetchedAt ?? null}
        searchId={`broadcast-template-${accountId}`}
        autoFocus={false}
      />
      {picked && picked.parameters.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing={6} role="group" aria-label={t('templates.fields')}>
          {picked.parameters.map((p) => (
            <TextInput
              key={`${templateId(picked)}:${p.key}`}
              size="xs"
              label={p.label}
              placeholder={p.example}
              value={values[p.key] ?? ''}
              onChange={(e) => {
                const next = { ...values, [p.key]: e.currentTarget.value };
                setValues(next);
                emit(picked, next);
              }}
              error={
                problems[p.key] && problems[p.key] !== 'empty'
                  ? t(`templates.problem.${problems[p.key] ?? 'invalid'}`, { max: MAX_TEMPLATE_PARAMETER })
                  : undefined
              }
            />
          ))}
        </SimpleGrid>
      )}
      {picked && picked.parameters.length > 0 && (
        <Text size="xs" c="dimmed">
          {t('incidents.composer.templateValues')}
        </Text>
      )}
      {picked && (
        <Paper withBorder p="xs" radius="sm">
          <Text size="xs" c="dimmed">
            {t('templates.preview')}
          </Text>
          <Text size="sm" className="incident-text" data-testid="broadcast-template-preview">
            {renderTemplate(picked, values)}
          </Text>
        </Paper>
      )}
    </Stack>
  );
}
