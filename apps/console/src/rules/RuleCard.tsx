import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { ActionIcon, Badge, Card, Group, NumberInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import type { RuleVocabulary, Team } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { CelEditor } from './CelEditor.tsx';
import { EscalationFields } from './EscalationFields.tsx';
import { type DocRule, type EditorRule, isAt, type PlacedIssue } from './model.ts';
import { TargetFields } from './TargetFields.tsx';

/** Fields with a place of their own on the card; anything else is listed at its foot. */
const PLACED = ['id', 'name', 'when', 'priority', 'target.teams', 'target.skills', 'target.filter'];

/** One rule as a card: its condition, who may take it, its priority and escalation; moved by its handle. */
export function RuleCard({
  item,
  position,
  count,
  issues,
  teams,
  vocabulary,
  onChange,
  onRemove,
  onMove,
}: {
  item: EditorRule;
  position: number;
  count: number;
  issues: PlacedIssue[];
  teams: Team[];
  vocabulary?: RuleVocabulary;
  onChange: (rule: DocRule) => void;
  onRemove: () => void;
  onMove: (by: -1 | 1) => void;
}) {
  const { t } = useT();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: item.key });
  const r = item.rule;
  const name = r.name || r.id || t('rules.rule.untitled');
  const errorsAt = (field: string) => issues.filter((i) => isAt(i, field)).map((i) => i.message);
  const set = (patch: Partial<DocRule>) => {
    const next: Record<string, unknown> = { ...r, ...patch };
    for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k];
    onChange(next as DocRule);
  };
  const formula = typeof r.priority === 'string';
  const others = issues.filter((i) => !PLACED.some((f) => isAt(i, f)) && !isAt(i, 'escalation'));
  return (
    <Card
      ref={setNodeRef}
      withBorder
      padding="sm"
      shadow={isDragging ? 'md' : undefined}
      style={{ transform: CSS.Transform.toString(transform), transition, zIndex: isDragging ? 2 : undefined, position: 'relative' }}
      data-testid="rule-card"
      aria-label={t('rules.rule.heading', { position, name })}
      component="section"
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <ActionIcon
              ref={setActivatorNodeRef}
              variant="subtle"
              color="gray"
              style={{ cursor: 'grab', touchAction: 'none' }}
              aria-label={t('rules.rule.drag', { name })}
              {...attributes}
              {...listeners}
            >
              ⠿
            </ActionIcon>
            <Title order={2} size="h5" style={{ minWidth: 0 }} lineClamp={1}>
              {position}. {name}
            </Title>
            {issues.length > 0 && (
              <Badge color="red" variant="light" style={{ flexShrink: 0 }}>
                {t('rules.problems', { count: issues.length })}
              </Badge>
            )}
          </Group>
          <Group gap={2} wrap="nowrap">
            <ActionIcon variant="subtle" disabled={position === 1} onClick={() => onMove(-1)} aria-label={t('rules.rule.moveUp', { name })}>
              ↑
            </ActionIcon>
            <ActionIcon
              variant="subtle"
              disabled={position === count}
              onClick={() => onMove(1)}
              aria-label={t('rules.rule.moveDown', { name })}
            >
              ↓
            </ActionIcon>
            <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={t('rules.rule.remove', { name })}>
              ✕
            </ActionIcon>
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <TextInput
            label={t('rules.rule.name')}
            value={r.name ?? ''}
            onChange={(e) => set({ name: e.currentTarget.value || undefined })}
            error={errorsAt('name').join(' · ') || undefined}
          />
          <TextInput
            label={t('rules.rule.id')}
            description={t('rules.rule.idHelp')}
            value={r.id ?? ''}
            onChange={(e) => set({ id: e.currentTarget.value })}
            error={errorsAt('id').join(' · ') || undefined}
          />
        </SimpleGrid>
        <CelEditor
          label={t('rules.rule.when')}
          description={t('rules.rule.whenHelp')}
          placeholder={t('rules.rule.always')}
          value={r.when ?? ''}
          onChange={(v) => set({ when: v.trim() ? v : undefined })}
          errors={errorsAt('when')}
          vocabulary={vocabulary}
        />
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t('rules.rule.target')}
            </Text>
            <TargetFields
              target={r.target ?? {}}
              onChange={(target) => set({ target })}
              teams={teams}
              vocabulary={vocabulary}
              errorsAt={errorsAt}
            />
          </Stack>
          <Stack gap="xs">
            <Group gap="xs" align="flex-end">
              <SegmentedControl
                size="xs"
                aria-label={t('rules.rule.priority')}
                value={formula ? 'formula' : 'number'}
                onChange={(v) =>
                  set({ priority: v === 'formula' ? String(r.priority ?? 0) : Number.parseInt(String(r.priority ?? 0), 10) || 0 })
                }
                data={[
                  { value: 'number', label: t('rules.rule.number') },
                  { value: 'formula', label: t('rules.rule.formula') },
                ]}
              />
            </Group>
            {formula ? (
              <CelEditor
                label={t('rules.rule.priorityFormula')}
                value={String(r.priority)}
                onChange={(v) => set({ priority: v })}
                errors={errorsAt('priority')}
                vocabulary={vocabulary}
              />
            ) : (
              <NumberInput
                label={t('rules.rule.priority')}
                value={typeof r.priority === 'number' ? r.priority : 0}
                min={-1000}
                max={1000}
                onChange={(v) => set({ priority: typeof v === 'number' ? v : undefined })}
                error={errorsAt('priority').join(' · ') || undefined}
              />
            )}
            <EscalationFields steps={r.escalation ?? []} onChange={(escalation) => set({ escalation })} teams={teams} errorsAt={errorsAt} />
          </Stack>
        </SimpleGrid>
        {others.map((i) => (
          <Text key={`${i.field}:${i.message}`} c="red" size="sm" role="alert">
            {i.field}: {i.message}
          </Text>
        ))}
      </Stack>
    </Card>
  );
}
