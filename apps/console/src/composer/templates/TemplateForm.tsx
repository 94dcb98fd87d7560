import { MAX_TEMPLATE_PARAMETER, renderTemplate } from '@centralita/channel-kit/templates';
import { Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, type KeyboardEvent, type ReactNode, useState } from 'react';
import type { MessageTemplate, TemplateParameter } from '../../api/types.ts';
import { useT } from '../../i18n/index.tsx';
import { SendRow } from '../SendRow.tsx';
import { parameterProblems, sendable } from './templates.ts';

interface Props {
  template: MessageTemplate | null;
  values: Record<string, string>;
  onValue(key: string, value: string): void;
  /** The reply window's state, shown beside Send. */
  replyWindow: ReactNode;
  busy: boolean;
  onSend(): void;
}

/**
 * The chosen template's parameters, a field each under its label with the provider's example as
 * placeholder, the text the customer will receive as it is filled in, and Send, on only when
 * the channel would take every value (the kit's `templateChoiceProblems`, which the server runs
 * too). A field's problem shows once it was left or sending was tried; Enter sends.
 */
export function TemplateForm({ template, values, onValue, replyWindow, busy, onSend }: Props) {
  const { t } = useT();
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const problems = template ? parameterProblems(template, values) : {};
  const ok = template !== null && sendable(template, values);
  const submit = (e: FormEvent | KeyboardEvent) => {
    e.preventDefault();
    if (!template) return;
    setTouched(new Set(template.parameters.map((p) => p.key)));
    if (ok && !busy) onSend();
  };
  const words = (key: string) => {
    const problem = problems[key];
    if (!problem || (problem === 'empty' && !touched.has(key))) return undefined;
    return t(`templates.problem.${problem}`, { max: MAX_TEMPLATE_PARAMETER });
  };
  return (
    // Enter in a field sends (or says what is missing) even while Send is off, which a form alone would not.
    <form
      onSubmit={submit}
      onKeyDown={(e) => e.key === 'Enter' && e.target instanceof HTMLInputElement && submit(e)}
      data-testid="template-form"
    >
      <Stack gap="xs">
        {template ? (
          <>
            {template.parameters.length > 0 ? (
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing={6} role="group" aria-label={t('templates.fields')}>
                {template.parameters.map((p) => (
                  <TextInput
                    key={`${template.name}:${template.language}:${p.key}`}
                    size="xs"
                    label={<ParameterLabel parameter={p} />}
                    placeholder={p.example}
                    value={values[p.key] ?? ''}
                    onChange={(e) => onValue(p.key, e.currentTarget.value)}
                    onBlur={() => setTouched((s) => new Set(s).add(p.key))}
                    error={words(p.key)}
                    withAsterisk
                    data-parameter={p.key}
                  />
                ))}
              </SimpleGrid>
            ) : (
              <Text size="xs" c="dimmed">
                {t('templates.noFields')}
              </Text>
            )}
            <Stack gap={2}>
              <Text size="xs" fw={700} c="dimmed" id="template-preview-label">
                {t('templates.preview')}
              </Text>
              <Paper withBorder p="xs" radius="sm" bg="var(--mantine-color-default-hover)" aria-labelledby="template-preview-label">
                <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="template-preview">
                  {renderTemplate(template, values)}
                </Text>
              </Paper>
            </Stack>
          </>
        ) : (
          <Text size="xs" c="dimmed">
            {t('templates.pick')}
          </Text>
        )}
        <SendRow replyWindow={replyWindow} label={t('templates.send')} disabled={!ok} busy={busy} testId="send-template" />
      </Stack>
    </form>
  );
}

/** "Body {{1}}" in the console's language when the key says where the placeholder is, else the channel's own label. */
function ParameterLabel({ parameter: p }: { parameter: TemplateParameter }) {
  const { t } = useT();
  const m = /^(body|header)\.(.+)$/.exec(p.key);
  if (!m) return <>{p.label}</>;
  return <>{`${t(`templates.part.${m[1] as 'body' | 'header'}`)} {{${m[2]}}}`}</>;
}
