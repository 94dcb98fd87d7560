import { Group, NumberInput, SimpleGrid, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, client, data } from '../../api/client.ts';
import { keys } from '../../api/queries.ts';
import type { SavedSearch } from '../../api/types.ts';
import { useT } from '../../i18n/index.tsx';
import '../strings.ts';
import { FormModal } from '../../ui/dialogs.tsx';
import { EMPTY_TERMS, type SearchTerms } from './searches.ts';

// Switches, not checkboxes: a Checkbox in this lazy chunk makes the bundler split the inbox's own
// chunks apart and costs the inbox about 2.5 KB gzipped before it lists rows (bench/console.ts).

type ListField = 'keywords' | 'phrases' | 'hashtags' | 'anyOf' | 'exclude';

// A space ends a word, so "late delivery" typed as words becomes two; phrases keep theirs.
const WORD_SPLIT = [',', ' '];
const LISTS: { field: ListField; split: string[] }[] = [
  { field: 'keywords', split: WORD_SPLIT },
  { field: 'phrases', split: [','] },
  { field: 'hashtags', split: WORD_SPLIT },
  { field: 'anyOf', split: WORD_SPLIT },
  { field: 'exclude', split: WORD_SPLIT },
];

/**
 * A saved search's name, terms and schedule, created or changed. The server checks the terms
 * against the channel (X: the query's length on the account's tier) and names each problem, shown
 * here; a search that saves shows the query the channel will run in the list.
 */
export function SearchEditor({ accountId, search, onClose }: { accountId: string; search: SavedSearch | null; onClose: () => void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const [name, setName] = useState(search?.name ?? '');
  const [terms, setTerms] = useState<SearchTerms>(search?.terms ?? EMPTY_TERMS);
  const [minutes, setMinutes] = useState<number | string>(search ? Math.max(1, Math.round(search.intervalSeconds / 60)) : 5);
  const [paused, setPaused] = useState(false);
  const set = (patch: Partial<SearchTerms>) => setTerms((x) => ({ ...x, ...patch }));
  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: name.trim(),
        terms: { ...terms, language: terms.language?.trim() || null },
        intervalSeconds: Math.max(60, Math.round(Number(minutes) * 60) || 300),
      };
      return search
        ? data(client.PATCH('/api/v1/searches/{id}', { params: { path: { id: search.id } }, body }))
        : data(client.POST('/api/v1/channel-accounts/{id}/searches', { params: { path: { id: accountId } }, body: { ...body, paused } }));
    },
    onSuccess: () => {
      notifications.show({ color: 'green', message: t('channels.searches.saved', { name: name.trim() }) });
      void queryClient.invalidateQueries({ queryKey: keys.searches(accountId) });
      onClose();
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const fieldError = (field: string) => error?.details.find?.((d) => d.field === field || d.field?.startsWith(`${field}.`))?.message;
  return (
    <FormModal
      title={search ? t('channels.searches.editTitle', { name: search.name }) : t('channels.searches.newTitle')}
      size="lg"
      onClose={onClose}
      onSubmit={() => save.mutate()}
      pending={save.isPending}
    >
      <TextInput
        label={t('channels.searches.name')}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        error={fieldError('name')}
        required
        data-autofocus
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {LISTS.map(({ field, split }) => (
          <TagsInput
            key={field}
            label={t(`channels.searches.${field}`)}
            description={t('channels.searches.wordsHelp')}
            value={terms[field]}
            onChange={(v) => set({ [field]: v })}
            splitChars={split}
            acceptValueOnBlur
            error={fieldError(`terms.${field}`)}
          />
        ))}
        <TextInput
          label={t('channels.searches.language')}
          description={t('channels.searches.languageHelp')}
          value={terms.language ?? ''}
          onChange={(e) => set({ language: e.currentTarget.value })}
          maxLength={3}
          error={fieldError('terms.language')}
        />
      </SimpleGrid>
      <Group gap="lg" wrap="wrap">
        <Switch
          label={t('channels.searches.excludeRetweets')}
          checked={terms.excludeRetweets}
          onChange={(e) => set({ excludeRetweets: e.currentTarget.checked })}
        />
        <Switch
          label={t('channels.searches.excludeOwnPosts')}
          checked={terms.excludeOwnPosts}
          onChange={(e) => set({ excludeOwnPosts: e.currentTarget.checked })}
        />
      </Group>
      <Group gap="lg" wrap="wrap" align="flex-end">
        <NumberInput
          label={t('channels.searches.interval')}
          value={minutes}
          onChange={setMinutes}
          min={1}
          max={1440}
          allowDecimal={false}
          w={200}
          error={fieldError('intervalSeconds')}
        />
        {!search && (
          <Switch label={t('channels.searches.startPaused')} checked={paused} onChange={(e) => setPaused(e.currentTarget.checked)} />
        )}
      </Group>
      {error && !fieldError('name') && (
        <Text c="red" size="sm" role="alert" data-testid="search-error">
          {error.message}
        </Text>
      )}
    </FormModal>
  );
}
