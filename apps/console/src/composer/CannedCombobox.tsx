import { Combobox, Text, useCombobox } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode, RefObject } from 'react';
import { useEffect, useState } from 'react';
import { cannedQuery } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';

/** The "/word" right before the caret, if the agent is typing one (at the start or after a space). */
export function slashQuery(text: string, caret: number): { start: number; q: string } | null {
  const m = /(^|\s)\/([\p{L}\p{N}_-]{0,40})$/u.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - (m[2]?.length ?? 0) - 1, q: m[2] ?? '' };
}

/**
 * The "/word" being typed in a text box, and what replaces it with the canned response picked:
 * the text around it is kept and the caret lands after the insert.
 */
export function useSlash(text: string, setText: (next: string) => void, box: RefObject<HTMLTextAreaElement | null>) {
  const [slash, setSlash] = useState<{ start: number; q: string } | null>(null);
  return {
    query: slash?.q ?? null,
    typed: (value: string, caret: number) => setSlash(slashQuery(value, caret)),
    dismiss: () => setSlash(null),
    insert: (canned: string) => {
      if (!slash) return;
      const caret = slash.start + 1 + slash.q.length;
      setText(text.slice(0, slash.start) + canned + text.slice(caret));
      setSlash(null);
      requestAnimationFrame(() => {
        const at = slash.start + canned.length;
        box.current?.setSelectionRange(at, at);
        box.current?.focus();
      });
    },
  };
}

interface Props {
  /** What the agent typed after "/", or null when they are not typing a shortcut. */
  query: string | null;
  onPick: (text: string) => void;
  onDismiss: () => void;
  children: ReactNode;
}

/**
 * Canned responses as a live suggestion list while the agent types "/word": filtered by the
 * server as they type (shortcuts that start with it first, then texts containing it), arrows to
 * move, Enter or a click to insert, Escape to close. The composer's text box is the target.
 */
export function CannedCombobox({ query, onPick, onDismiss, children }: Props) {
  const { t } = useT();
  const combobox = useCombobox({ onDropdownClose: onDismiss });
  const found = useQuery({ ...cannedQuery(query ?? ''), enabled: query !== null });
  const items = (found.data ?? []).slice(0, 8);

  useEffect(() => {
    if (query === null) combobox.closeDropdown();
    else combobox.openDropdown();
  }, [query, combobox.closeDropdown, combobox.openDropdown]);
  // The first suggestion is ready for Enter as soon as the list changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run when the suggestions change
  useEffect(() => {
    if (query !== null) combobox.selectFirstOption();
  }, [found.data, query]);

  return (
    <Combobox
      store={combobox}
      onOptionSubmit={(id) => {
        const picked = items.find((c) => c.id === id);
        if (picked) onPick(picked.text);
        combobox.closeDropdown();
      }}
      position="top-start"
      withinPortal
    >
      <Combobox.Target targetType="input">{children}</Combobox.Target>
      <Combobox.Dropdown>
        <Combobox.Options aria-label={t('conversation.composer.canned.label')}>
          {items.length === 0 ? (
            <Combobox.Empty>
              {found.isPending ? t('app.loading') : t('conversation.composer.canned.empty', { q: query ?? '' })}
            </Combobox.Empty>
          ) : (
            items.map((c) => (
              <Combobox.Option value={c.id} key={c.id} aria-label={`/${c.shortcut}`}>
                <Text size="sm" fw={600}>
                  /{c.shortcut}
                </Text>
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {c.text}
                </Text>
              </Combobox.Option>
            ))
          )}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
