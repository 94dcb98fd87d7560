import { ActionIcon, Button, Card, Checkbox, Group, MultiSelect, NumberInput, Stack, Text } from '@mantine/core';
import type { Team } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import type { DocStep } from './model.ts';
import { teamOptions } from './TargetFields.tsx';

/** How the target widens as the wait grows: steps in order of minutes, each changing something. */
export function EscalationFields({
  steps,
  onChange,
  teams,
  errorsAt,
}: {
  steps: DocStep[];
  onChange: (steps: DocStep[] | undefined) => void;
  teams: Team[];
  errorsAt: (field: string) => string[];
}) {
  const { t } = useT();
  const update = (i: number, patch: Partial<DocStep>) => {
    const next = steps.slice();
    const merged: Record<string, unknown> = { ...next[i], ...patch };
    for (const [k, v] of Object.entries(merged)) if (v === undefined || v === false || v === '') delete merged[k];
    next[i] = merged as DocStep;
    onChange(next);
  };
  const last = steps[steps.length - 1]?.afterMinutes ?? 0;
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        {t('rules.rule.escalation')}
      </Text>
      {steps.length === 0 && (
        <Text size="xs" c="dimmed">
          {t('rules.rule.noEscalation')}
        </Text>
      )}
      {steps.map((s, i) => {
        const errors = errorsAt(`escalation.${i}`).concat(errorsAt(`escalation[${i}]`));
        const n = i + 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: steps have no identity but their place in the list
          <Card key={i} withBorder padding="xs" aria-label={t('rules.rule.step', { minutes: s.afterMinutes ?? '?' })}>
            <Group align="flex-end" gap="xs" wrap="wrap">
              <NumberInput
                label={t('rules.rule.afterMinutes')}
                value={s.afterMinutes ?? ''}
                min={1}
                w={120}
                onChange={(v) => update(i, { afterMinutes: typeof v === 'number' ? v : undefined })}
              />
              <NumberInput
                label={t('rules.rule.raisePriority')}
                value={s.raisePriority ?? ''}
                min={1}
                w={140}
                onChange={(v) => update(i, { raisePriority: typeof v === 'number' ? v : undefined })}
              />
              <MultiSelect
                label={t('rules.rule.addTeams')}
                data={teamOptions(teams, (s.addTeams ?? []) as string[])}
                value={(s.addTeams ?? []) as string[]}
                onChange={(v) => update(i, { addTeams: v.length ? v : undefined })}
                miw={160}
                style={{ flex: 1 }}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                onClick={() => onChange(steps.filter((_, j) => j !== i).length ? steps.filter((_, j) => j !== i) : undefined)}
                aria-label={t('rules.rule.removeStep', { n })}
              >
                ✕
              </ActionIcon>
            </Group>
            <Group gap="md" mt="xs">
              <Checkbox
                size="xs"
                label={t('rules.rule.dropSkills')}
                checked={Boolean(s.dropSkills)}
                onChange={(e) => update(i, { dropSkills: e.currentTarget.checked || undefined })}
              />
              <Checkbox
                size="xs"
                label={t('rules.rule.dropLanguages')}
                checked={Boolean(s.dropLanguages)}
                onChange={(e) => update(i, { dropLanguages: e.currentTarget.checked || undefined })}
              />
              <Checkbox
                size="xs"
                label={t('rules.rule.dropRegions')}
                checked={Boolean(s.dropRegions)}
                onChange={(e) => update(i, { dropRegions: e.currentTarget.checked || undefined })}
              />
              <Checkbox
                size="xs"
                label={t('rules.rule.dropFilter')}
                checked={Boolean(s.dropFilter)}
                onChange={(e) => update(i, { dropFilter: e.currentTarget.checked || undefined })}
              />
            </Group>
            {errors.map((e) => (
              <Text key={e} c="red" size="xs" role="alert" mt={4}>
                {e}
              </Text>
            ))}
          </Card>
        );
      })}
      <Group>
        <Button variant="subtle" size="xs" onClick={() => onChange([...steps, { afterMinutes: last + 10, dropSkills: true } as DocStep])}>
          {t('rules.rule.addStep')}
        </Button>
      </Group>
    </Stack>
  );
}
