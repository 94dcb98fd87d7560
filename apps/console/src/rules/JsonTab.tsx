import { Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import type { RuleSetDocument } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import type { PlacedIssue } from './model.ts';

/**
 * The rule set as raw JSON, editable: text that parses into an object replaces the document (and
 * is checked like the cards), anything else is reported here and changes nothing.
 */
export function JsonTab({
  document,
  onChange,
  issues,
}: {
  document: RuleSetDocument;
  onChange: (doc: unknown) => void;
  issues: PlacedIssue[];
}) {
  const { t } = useT();
  // Mounted each time the tab opens (Tabs keepMounted=false), so it starts from the cards' state.
  const [text, setText] = useState(() => JSON.stringify(document, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  const edit = (next: string) => {
    setText(next);
    try {
      const doc = JSON.parse(next) as unknown;
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
        setParseError(t('rules.json.notObject'));
        return;
      }
      setParseError(null);
      onChange(doc);
    } catch (err) {
      setParseError(t('rules.json.invalid', { message: (err as Error).message }));
    }
  };
  return (
    <Stack gap="xs">
      <Textarea
        label={t('rules.json.label')}
        value={text}
        onChange={(e) => edit(e.currentTarget.value)}
        autosize
        minRows={12}
        maxRows={40}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 'var(--mantine-font-size-xs)' } }}
        error={parseError ?? undefined}
      />
      {!parseError &&
        issues.map((i) => (
          <Text key={`${i.position}-${i.field}-${i.message}`} c="red" size="sm" role="alert">
            {i.position === 0
              ? `${i.rule === 'fallback' ? t('rules.issue.fallback') : t('rules.issue.set')}, ${i.field}: ${i.message}`
              : t('rules.issue.inRule', { position: i.position, rule: i.rule, field: i.field, message: i.message })}
          </Text>
        ))}
    </Stack>
  );
}
