import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  MultiSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Tabs,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { queryOptions, useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError, client, data } from '../api/client.ts';
import { keys, meQuery, teamsQuery } from '../api/queries.ts';
import type { RuleIssue, RuleSetDocument, RuleSetDraft, RuleSetVersion, RuleVocabulary, Team } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { Screen } from '../ui/Screen.tsx';
import { JsonTab } from './JsonTab.tsx';
import { blankRule, canonical, type EditorState, fromDocument, type PlacedIssue, toDocument } from './model.ts';
import { Preview } from './Preview.tsx';
import { PublishModal } from './PublishModal.tsx';
import { RuleList } from './RuleList.tsx';
import { useValidation } from './useValidation.ts';
import { Versions } from './Versions.tsx';
import './strings.ts';

const rulesQuery = queryOptions({
  queryKey: keys.rules,
  queryFn: () => data<{ published: RuleSetVersion | null; draft: RuleSetDraft | null }>(client.GET('/api/v1/routing/rules')),
});

const vocabularyQuery = queryOptions({
  queryKey: keys.vocabulary,
  queryFn: async () => (await data<{ variables: RuleVocabulary }>(client.GET('/api/v1/routing/vocabulary'))).variables,
  staleTime: Number.POSITIVE_INFINITY,
});

/** The rule set, edited as cards (or as JSON), checked as it is typed, tried out, published. */
export function RulesScreen() {
  const { t } = useT();
  const rules = useQuery(rulesQuery);
  // Starts again from the server's draft (or the published set) after a discard or a rollback.
  const [generation, setGeneration] = useState(0);
  // Kept out here, so starting the editor again stays on the tab one was using.
  const [tab, setTab] = useState<string | null>('cards');
  if (!rules.data) return <Loader m="md" aria-label={t('app.loading')} />;
  const start = rules.data.draft?.document ?? rules.data.published?.document ?? { rules: [] };
  return (
    <RuleEditor
      key={generation}
      initial={start}
      published={rules.data.published}
      draft={rules.data.draft}
      restart={() => setGeneration((g) => g + 1)}
      tab={tab}
      setTab={setTab}
    />
  );
}

function RuleEditor({
  initial,
  published,
  draft,
  restart,
  tab,
  setTab,
}: {
  initial: unknown;
  published: RuleSetVersion | null;
  draft: RuleSetDraft | null;
  restart: () => void;
  tab: string | null;
  setTab: (tab: string | null) => void;
}) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const me = useSuspenseQuery(meQuery).data;
  const canPublish = me.role !== 'agent';
  const teams = useQuery(teamsQuery).data ?? [];
  const vocabulary = useQuery(vocabularyQuery).data;
  const [state, setState] = useState<EditorState>(() => fromDocument(initial));
  const document = useMemo(() => toDocument(state), [state]);
  const { issues, checking } = useValidation(document, state.rules);
  const [publishing, setPublishing] = useState(false);
  const [discarding, setDiscarding] = useState(false);

  const text = canonical(document);
  const publishedDoc = published ? (published.document as RuleSetDocument) : null;
  const identical = publishedDoc !== null && canonical(publishedDoc) === text;
  const saved = canonical(draft?.document ?? publishedDoc ?? { rules: [] }) === text;
  const errors = issues.filter((i) => i.severity === 'error');
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.rules });
  };

  const save = useMutation({
    mutationFn: () => data(client.PUT('/api/v1/routing/rules/draft', { body: { document: document as Record<string, unknown> } })),
    onSuccess: refresh,
  });
  const discard = useMutation({
    mutationFn: () => data(client.DELETE('/api/v1/routing/rules/draft')),
    onSettled: async () => {
      setDiscarding(false);
      await queryClient.invalidateQueries({ queryKey: keys.rules });
      restart();
    },
  });
  const publish = useMutation({
    mutationFn: async (note: string) => {
      await data(client.PUT('/api/v1/routing/rules/draft', { body: { document: document as Record<string, unknown> } }));
      return (await data<{ version: RuleSetVersion }>(client.POST('/api/v1/routing/rules/publish', { body: note ? { note } : {} })))
        .version;
    },
    onSuccess: (v) => {
      setPublishing(false);
      notifications.show({ color: 'green', message: t('rules.publish.done', { version: v.version }) });
      void queryClient.invalidateQueries({ queryKey: keys.rules });
      void queryClient.invalidateQueries({ queryKey: keys.ruleVersions });
    },
  });
  const refused =
    publish.error instanceof ApiError
      ? {
          message: publish.error.message,
          issues: ((publish.error.details as unknown as { issues?: RuleIssue[] })?.issues ?? []) as RuleIssue[],
        }
      : null;

  const setRest = (patch: Partial<EditorState['rest']>) => setState((s) => ({ ...s, rest: { ...s.rest, ...patch } }));
  const blockedBy = identical ? t('rules.actions.identical') : errors.length ? t('rules.actions.hasProblems') : null;

  return (
    <Screen
      title={t('rules.title')}
      actions={
        canPublish && (
          <Group gap="xs">
            {draft && (
              <Button variant="subtle" color="red" size="sm" onClick={() => setDiscarding(true)}>
                {t('rules.actions.discard')}
              </Button>
            )}
            <Button variant="default" size="sm" onClick={() => save.mutate()} loading={save.isPending} disabled={saved}>
              {t('rules.actions.save')}
            </Button>
            <Tooltip label={blockedBy} disabled={!blockedBy}>
              <Button
                size="sm"
                onClick={() => setPublishing(true)}
                disabled={Boolean(blockedBy) || checking}
                data-disabled={blockedBy ? true : undefined}
              >
                {t('rules.actions.publish')}
              </Button>
            </Tooltip>
          </Group>
        )
      }
    >
      <Text c="dimmed" size="sm">
        {t('rules.caption')}
      </Text>
      <Group gap="xs" data-testid="rules-status">
        <Badge variant="light" color={published ? 'green' : 'gray'}>
          {published ? t('rules.published', { version: published.version }) : t('rules.nonePublished')}
        </Badge>
        {!saved && (
          <Badge variant="light" color="yellow">
            {t('rules.unsaved')}
          </Badge>
        )}
        {saved && draft && (
          <Text size="xs" c="dimmed">
            {t('rules.draftSaved', {
              when: new Intl.DateTimeFormat(lang, { timeStyle: 'short', dateStyle: 'short' }).format(new Date(draft.updatedAt)),
            })}
          </Text>
        )}
        <Text size="xs" c={errors.length ? 'red' : 'dimmed'} role="status">
          {checking ? t('rules.checking') : errors.length ? t('rules.problems', { count: errors.length }) : t('rules.valid')}
        </Text>
        {identical && (
          <Text size="xs" c="dimmed" data-testid="identical">
            {t('rules.actions.identical')}
          </Text>
        )}
      </Group>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="cards">{t('rules.tabs.cards')}</Tabs.Tab>
          <Tabs.Tab value="json">{t('rules.tabs.json')}</Tabs.Tab>
          <Tabs.Tab value="preview">{t('rules.tabs.preview')}</Tabs.Tab>
          <Tabs.Tab value="versions">{t('rules.tabs.versions')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="cards" pt="sm">
          <Stack gap="sm">
            <SetIssues issues={issues.filter((i) => i.key === null)} />
            <RuleList
              rules={state.rules}
              onChange={(r) => setState((s) => ({ ...s, rules: r }))}
              issues={issues}
              teams={teams}
              vocabulary={vocabulary}
            />
            <Group>
              <Button variant="light" onClick={() => setState((s) => ({ ...s, rules: [...s.rules, blankRule(s.rules)] }))}>
                {t('rules.actions.add')}
              </Button>
            </Group>
            <Fallback rest={state.rest} onChange={setRest} teams={teams} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="json" pt="sm">
          <JsonTab document={document} onChange={(doc) => setState(fromDocument(doc))} issues={issues} />
        </Tabs.Panel>
        <Tabs.Panel value="preview" pt="sm">
          <Preview document={document} />
        </Tabs.Panel>
        <Tabs.Panel value="versions" pt="sm">
          <Versions
            canPublish={canPublish}
            onRolledBack={() => {
              if (saved) restart();
            }}
          />
        </Tabs.Panel>
      </Tabs>
      {publishing && (
        <PublishModal
          opened
          onClose={() => setPublishing(false)}
          published={publishedDoc && published ? { version: published.version, document: publishedDoc } : null}
          next={document}
          onConfirm={(note) => publish.mutate(note)}
          pending={publish.isPending}
          refused={refused}
        />
      )}
      <Modal opened={discarding} onClose={() => setDiscarding(false)} title={t('rules.actions.discard')}>
        <Text size="sm">{t('rules.actions.discardConfirm')}</Text>
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setDiscarding(false)}>
            {t('app.cancel')}
          </Button>
          <Button color="red" loading={discard.isPending} onClick={() => discard.mutate()}>
            {t('rules.actions.discard')}
          </Button>
        </Group>
      </Modal>
    </Screen>
  );
}

/** Problems of the set as a whole or of the fallback (position 0). */
function SetIssues({ issues }: { issues: PlacedIssue[] }) {
  const { t } = useT();
  if (issues.length === 0) return null;
  return (
    <Alert color="red" role="alert">
      {issues.map((i) => (
        <Text key={`${i.field}:${i.message}`} size="sm">
          {i.rule === 'fallback' ? t('rules.issue.fallback') : t('rules.issue.set')}, {i.field}: {i.message}
        </Text>
      ))}
    </Alert>
  );
}

/** Where a conversation goes when no rule matches, and how fast waiting raises priority. */
function Fallback({
  rest,
  onChange,
  teams,
}: {
  rest: EditorState['rest'];
  onChange: (p: Partial<EditorState['rest']>) => void;
  teams: Team[];
}) {
  const { t } = useT();
  const fallback = rest.fallback ?? { target: {} };
  const chosen = (fallback.target?.teams ?? []) as string[];
  return (
    <Card withBorder padding="sm" data-testid="fallback">
      <Title order={2} size="h5" mb="xs">
        {t('rules.fallback.title')}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
        <MultiSelect
          label={t('rules.fallback.teams')}
          placeholder={chosen.length ? undefined : t('rules.rule.anyTeam')}
          data={[...new Set([...teams.map((tm) => tm.name), ...chosen])]}
          value={chosen}
          onChange={(v) => onChange({ fallback: { ...fallback, target: { ...fallback.target, teams: v.length ? v : undefined } } })}
        />
        <NumberInput
          label={t('rules.fallback.priority')}
          value={fallback.priority ?? 0}
          min={-1000}
          max={1000}
          onChange={(v) => onChange({ fallback: { ...fallback, priority: typeof v === 'number' ? v : 0 } })}
        />
        <NumberInput
          label={t('rules.aging')}
          value={rest.agingMinutes ?? 10}
          min={1}
          max={1440}
          onChange={(v) => onChange({ agingMinutes: typeof v === 'number' ? v : undefined })}
        />
      </SimpleGrid>
    </Card>
  );
}
