import { Checkbox, CloseButton, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import { type RefObject, useEffect, useState } from 'react';
import { useT } from '../i18n/index.tsx';
import { channelName, useChannelKinds } from './ChannelIcon.tsx';
import { type InboxSearch, SORTS, STATUSES } from './search.ts';

/** Search, status, channel and order: each one a search param, so the address keeps them. */
export function Toolbar({ search, searchRef }: { search: InboxSearch; searchRef: RefObject<HTMLInputElement | null> }) {
  const { t, lang } = useT();
  const navigate = useNavigate();
  const kinds = useChannelKinds();
  const [q, setQ] = useState(search.q ?? '');
  useEffect(() => setQ(search.q ?? ''), [search.q]);
  const set = (patch: Partial<InboxSearch>) =>
    void navigate({ to: '.', search: (s: InboxSearch) => clean({ ...s, ...patch }), replace: true });
  // Only where some channel listens (X's saved searches) is there anything to tell apart.
  const listening = kinds.some((k) => k.capabilities.listening);
  const setQuery = useDebouncedCallback((value: string) => set({ q: value.trim() || undefined }), 300);
  return (
    <div className="inbox-toolbar">
      <TextInput
        ref={searchRef}
        type="search"
        size="xs"
        aria-label={t('inbox.search')}
        placeholder={t('inbox.searchPlaceholder')}
        value={q}
        onChange={(e) => {
          setQ(e.currentTarget.value);
          setQuery(e.currentTarget.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') set({ q: e.currentTarget.value.trim() || undefined });
        }}
        rightSection={
          q ? (
            <CloseButton
              size="xs"
              aria-label={t('app.close')}
              onClick={() => {
                setQ('');
                set({ q: undefined });
              }}
            />
          ) : null
        }
      />
      <Group gap={6} mt={6} wrap="nowrap" grow>
        <Select
          size="xs"
          aria-label={t('inbox.status')}
          value={search.status ?? 'open'}
          allowDeselect={false}
          onChange={(v) => set({ status: v === 'open' ? undefined : (v as InboxSearch['status']) })}
          data={STATUSES.map((s) => ({ value: s, label: t(`statusPlural.${s}`) }))}
        />
        <Select
          size="xs"
          aria-label={t('inbox.channel')}
          value={search.channel ?? ''}
          allowDeselect={false}
          onChange={(v) => set({ channel: v || undefined })}
          data={[{ value: '', label: t('inbox.anyChannel') }, ...kinds.map((k) => ({ value: k.kind, label: channelName(k, lang) }))]}
        />
        <Select
          size="xs"
          aria-label={t('inbox.sort.label')}
          value={search.sort ?? 'newest'}
          allowDeselect={false}
          onChange={(v) => set({ sort: v === 'newest' ? undefined : (v as InboxSearch['sort']) })}
          data={SORTS.map((s) => ({ value: s, label: t(`inbox.sort.${s}`) }))}
        />
      </Group>
      {(listening || search.origin) && (
        <Checkbox
          size="xs"
          mt={8}
          label={t('inbox.proactiveOnly')}
          checked={search.origin === 'proactive'}
          onChange={(e) => set({ origin: e.currentTarget.checked ? 'proactive' : undefined })}
          data-testid="filter-proactive"
        />
      )}
    </div>
  );
}

function clean(s: InboxSearch): InboxSearch {
  const out: InboxSearch = {};
  for (const [k, v] of Object.entries(s)) if (v !== undefined && v !== '') (out as Record<string, unknown>)[k] = v;
  return out;
}
