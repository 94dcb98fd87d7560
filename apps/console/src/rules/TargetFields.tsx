import { Group, MultiSelect, Stack, Switch, TagsInput } from '@mantine/core';
import type { RuleVocabulary, Team } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { CelEditor } from './CelEditor.tsx';
import type { DocTarget } from './model.ts';

/** Team choices: every team by name, plus whatever the document names that is not one (to be fixed). */
export function teamOptions(teams: Team[], chosen: string[]): { value: string; label: string }[] {
  const options = teams.map((tm) => ({ value: tm.name, label: tm.name }));
  for (const c of chosen) {
    const byId = teams.find((tm) => tm.id === c);
    if (!options.some((o) => o.value === c)) options.push({ value: c, label: byId?.name ?? c });
  }
  return options;
}

type Codes = string[] | 'conversation' | undefined;

/** Languages or regions: a list of codes, or "the conversation's own". */
function CodesField({ label, value, onChange }: { label: string; value: Codes; onChange: (v: Codes) => void }) {
  const { t } = useT();
  const own = value === 'conversation';
  return (
    <Stack gap={4}>
      <TagsInput
        label={label}
        placeholder={own ? t('rules.rule.sameAsConversation') : t('rules.rule.anyValue')}
        value={Array.isArray(value) ? value : []}
        disabled={own}
        onChange={(v) => onChange(v.length ? v : undefined)}
      />
      <Switch
        size="xs"
        label={`${label}: ${t('rules.rule.sameAsConversation')}`}
        checked={own}
        onChange={(e) => onChange(e.currentTarget.checked ? 'conversation' : undefined)}
      />
    </Stack>
  );
}

const skillText = (s: { name: string; minLevel?: number }) => `${s.name}:${s.minLevel ?? 1}`;
function parseSkill(text: string): { name: string; minLevel: number } {
  const [name = '', level] = text.split(':');
  const n = Number(level);
  return { name: name.trim(), minLevel: Number.isInteger(n) && n > 0 ? n : 1 };
}

/** Who may take the conversation: teams, skills, languages, regions and an optional agent filter. */
export function TargetFields({
  target,
  onChange,
  teams,
  vocabulary,
  errorsAt,
}: {
  target: DocTarget;
  onChange: (t: DocTarget) => void;
  teams: Team[];
  vocabulary?: RuleVocabulary;
  errorsAt: (field: string) => string[];
}) {
  const { t } = useT();
  const set = (patch: Partial<DocTarget>) => {
    const next: Record<string, unknown> = { ...target, ...patch };
    for (const [k, v] of Object.entries(next)) if (v === undefined || v === '') delete next[k];
    onChange(next as DocTarget);
  };
  const chosen = (target.teams ?? []) as string[];
  const teamErrors = errorsAt('target.teams');
  const skillErrors = errorsAt('target.skills');
  return (
    <Stack gap="xs">
      <MultiSelect
        label={t('rules.rule.teams')}
        placeholder={chosen.length ? undefined : t('rules.rule.anyTeam')}
        data={teamOptions(teams, chosen)}
        value={chosen}
        onChange={(v) => set({ teams: v.length ? v : undefined })}
        error={teamErrors.length ? teamErrors.join(' · ') : undefined}
        searchable
      />
      <TagsInput
        label={t('rules.rule.skills')}
        description={t('rules.rule.skillsHelp')}
        value={(target.skills ?? []).map(skillText)}
        onChange={(v) => set({ skills: v.length ? v.map(parseSkill) : undefined })}
        error={skillErrors.length ? skillErrors.join(' · ') : undefined}
      />
      <Group grow align="flex-start" gap="xs" wrap="wrap">
        <CodesField label={t('rules.rule.languages')} value={target.languages as Codes} onChange={(v) => set({ languages: v })} />
        <CodesField label={t('rules.rule.regions')} value={target.regions as Codes} onChange={(v) => set({ regions: v })} />
      </Group>
      <CelEditor
        label={t('rules.rule.filter')}
        description={t('rules.rule.filterHelp')}
        value={target.filter ?? ''}
        onChange={(v) => set({ filter: v.trim() ? v : undefined })}
        errors={errorsAt('target.filter')}
        vocabulary={vocabulary}
        withAgent
      />
    </Stack>
  );
}
