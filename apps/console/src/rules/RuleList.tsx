import {
  type Announcements,
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  type UniqueIdentifier,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { arrayMove, SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { Stack } from '@mantine/core';
import type { RuleVocabulary, Team } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import type { DocRule, EditorRule, PlacedIssue } from './model.ts';
import { RuleCard } from './RuleCard.tsx';

/** The rules as cards, in the order they are tried; reordered by dragging or from the keyboard. */
export function RuleList({
  rules,
  onChange,
  issues,
  teams,
  vocabulary,
}: {
  rules: EditorRule[];
  onChange: (rules: EditorRule[]) => void;
  issues: PlacedIssue[];
  teams: Team[];
  vocabulary?: RuleVocabulary;
}) {
  const { t } = useT();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const nameOf = (id: UniqueIdentifier) => {
    const r = rules.find((x) => x.key === id)?.rule;
    return r?.name || r?.id || t('rules.rule.untitled');
  };
  const positionOf = (id: UniqueIdentifier | undefined) => rules.findIndex((x) => x.key === id) + 1;
  // What a screen reader hears while a rule moves, in the console's language.
  const announcements: Announcements = {
    onDragStart: ({ active }) => t('rules.dnd.picked', { name: nameOf(active.id) }),
    onDragOver: ({ active, over }) => (over ? t('rules.dnd.over', { name: nameOf(active.id), position: positionOf(over.id) }) : undefined),
    onDragEnd: ({ active, over }) =>
      over ? t('rules.dnd.dropped', { name: nameOf(active.id), position: positionOf(over.id) }) : undefined,
    onDragCancel: ({ active }) => t('rules.dnd.cancelled', { name: nameOf(active.id) }),
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    onChange(arrayMove(rules, positionOf(active.id) - 1, positionOf(over.id) - 1));
  };
  const move = (i: number, by: -1 | 1) => onChange(arrayMove(rules, i, i + by));
  const update = (i: number, rule: DocRule) => onChange(rules.map((r, j) => (j === i ? { ...r, rule } : r)));
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions: { draggable: t('rules.dnd.instructions') } }}
    >
      <SortableContext items={rules.map((r) => r.key)} strategy={verticalListSortingStrategy}>
        <Stack gap="sm" data-testid="rule-list">
          {rules.map((item, i) => (
            <RuleCard
              key={item.key}
              item={item}
              position={i + 1}
              count={rules.length}
              issues={issues.filter((x) => x.key === item.key)}
              teams={teams}
              vocabulary={vocabulary}
              onChange={(rule) => update(i, rule)}
              onRemove={() => onChange(rules.filter((_, j) => j !== i))}
              onMove={(by) => move(i, by)}
            />
          ))}
        </Stack>
      </SortableContext>
    </DndContext>
  );
}
