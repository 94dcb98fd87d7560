import './strings.ts';
import { Alert, Loader, Stack } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { keys } from '../../api/queries.ts';
import type { MessageTemplate } from '../../api/types.ts';
import { contactQuery } from '../../conversation/queries.ts';
import { useT } from '../../i18n/index.tsx';
import type { MessageBody } from '../send.ts';
import { TemplateForm } from './TemplateForm.tsx';
import { TemplatePicker } from './TemplatePicker.tsx';
import { choiceOf, fetchTemplates, groupTemplates, templateId, templatesQuery } from './templates.ts';

interface Props {
  accountId: string;
  contactId: string;
  /** The conversation's language, when the contact has no locale of their own. */
  language: string | null;
  searchId: string;
  replyWindow: ReactNode;
  busy: boolean;
  /** Focus the search when the agent asked for a template (not when the window forced it). */
  autoFocus: boolean;
  /** Sends the reply; true once it went (the form then empties). */
  onSend(template: NonNullable<MessageBody['template']>): Promise<boolean>;
}

/**
 * A reply that is one of the account's approved templates (WhatsApp outside its 24-hour window):
 * pick it, fill it in, see what the customer will read, send it. Loaded with the picker's words
 * only when a composer shows it.
 */
export default function TemplateReply({ accountId, contactId, language, searchId, replyWindow, busy, autoFocus, onSend }: Props) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const list = useQuery(templatesQuery(accountId));
  const customer = useQuery(contactQuery(contactId)).data?.locale ?? language;
  const refresh = useMutation({
    mutationFn: () => fetchTemplates(accountId, true),
    onSuccess: (fresh) => queryClient.setQueryData(keys.templates(accountId), fresh),
  });
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  // Each send starts the form afresh: empty fields, none marked as left empty.
  const [sent, setSent] = useState(0);
  const templates = list.data?.templates ?? [];
  const groups = groupTemplates(templates, query, customer);
  // Never a template the agent did not pick: one sent by mistake reaches the customer and is paid for.
  const chosen: MessageTemplate | null = templates.find((x) => templateId(x) === picked && x.status === 'approved') ?? null;

  if (list.isPending) return <Loader size="xs" aria-label={t('app.loading')} />;
  const failure = list.error ?? refresh.error;
  return (
    <Stack gap="xs" data-testid="template-reply">
      {failure && (
        <Alert color="red" variant="light" p="xs" role="alert">
          {t('templates.failed', { message: failure.message })}
        </Alert>
      )}
      <TemplatePicker
        groups={groups}
        any={templates.length > 0}
        query={query}
        onQuery={setQuery}
        selected={chosen}
        onSelect={(x) => {
          setPicked(templateId(x));
          setValues({});
        }}
        onRefresh={() => refresh.mutate()}
        refreshing={refresh.isPending}
        fetchedAt={list.data?.fetchedAt ?? null}
        searchId={searchId}
        autoFocus={autoFocus}
      />
      <TemplateForm
        key={`${chosen ? templateId(chosen) : ''}:${sent}`}
        template={chosen}
        values={values}
        onValue={(key, value) => setValues((v) => ({ ...v, [key]: value }))}
        replyWindow={replyWindow}
        busy={busy}
        onSend={async () => {
          if (chosen && (await onSend(choiceOf(chosen, values)))) {
            setValues({});
            setSent((n) => n + 1);
          }
        }}
      />
    </Stack>
  );
}
