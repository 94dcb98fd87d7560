import {
  Alert,
  Button,
  Checkbox,
  Group,
  List,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, client, data } from '../api/client.ts';
import { agentsQuery, channelKindsQuery } from '../api/queries.ts';
import type { RoutingExplanation, RuleSetDocument } from '../api/types.ts';
import { localKind } from '../channels/names.ts';
import { useT } from '../i18n/index.tsx';

type Tie = 'only' | 'occupied' | 'channel' | 'idle' | 'id';

/** The server's tie-break sentence ("least occupied (20% after this…)") as one of the console's words. */
function tieOf(sentence: string): Tie {
  if (sentence.startsWith('only')) return 'only';
  if (sentence.startsWith('least occupied on')) return 'channel';
  if (sentence.startsWith('least occupied')) return 'occupied';
  if (sentence.startsWith('idle')) return 'idle';
  return 'id';
}

/** Who would get a conversation described here with the rules in the editor, and why, in words. */
export function Preview({ document }: { document: RuleSetDocument }) {
  const { t, lang } = useT();
  const kinds = (useQuery(channelKindsQuery).data ?? []).map((k) => localKind(k, lang));
  const agents = useQuery(agentsQuery).data ?? [];
  const [channel, setChannel] = useState<string | null>(null);
  const [language, setLanguage] = useState('es');
  const [country, setCountry] = useState('ES');
  const [text, setText] = useState('');
  const [waiting, setWaiting] = useState<number>(0);
  const [followers, setFollowers] = useState<number>(0);
  const [verified, setVerified] = useState(false);
  const chosen = channel ?? kinds[0]?.kind ?? 'webform';
  const run = useMutation({
    mutationFn: async () =>
      (
        await data<{ explanation: RoutingExplanation }>(
          client.POST('/api/v1/routing/preview', {
            body: {
              conversation: {
                channel: chosen,
                language: language.trim() || null,
                country: country.trim() || null,
                text,
                waitingMinutes: waiting,
                followers,
                verified,
              },
              rules: { document: document as Record<string, unknown> },
            },
          }),
        )
      ).explanation,
  });
  // Names come with the explanation; an agent renamed since is looked up, never shown by id.
  const nameOf = (id: string, name: string | null) => name ?? agents.find((a) => a.id === id)?.name ?? '—';
  const e = run.data;
  return (
    <Stack gap="sm">
      <div>
        <Title order={2} size="h5">
          {t('rules.preview.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('rules.preview.caption')}
        </Text>
      </div>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          run.mutate();
        }}
      >
        <Stack gap="xs">
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
            <Select
              label={t('rules.preview.channel')}
              data={kinds.map((k) => ({ value: k.kind, label: k.displayName }))}
              value={chosen}
              onChange={setChannel}
              allowDeselect={false}
            />
            <TextInput
              label={t('rules.preview.language')}
              value={language}
              onChange={(ev) => setLanguage(ev.currentTarget.value)}
              maxLength={10}
            />
            <TextInput
              label={t('rules.preview.country')}
              value={country}
              onChange={(ev) => setCountry(ev.currentTarget.value.toUpperCase())}
              maxLength={10}
            />
          </SimpleGrid>
          <Textarea label={t('rules.preview.text')} value={text} onChange={(ev) => setText(ev.currentTarget.value)} autosize minRows={2} />
          <Group align="flex-end" gap="xs">
            <NumberInput
              label={t('rules.preview.waiting')}
              value={waiting}
              min={0}
              w={150}
              onChange={(v) => setWaiting(typeof v === 'number' ? v : 0)}
            />
            <NumberInput
              label={t('rules.preview.followers')}
              value={followers}
              min={0}
              w={150}
              onChange={(v) => setFollowers(typeof v === 'number' ? v : 0)}
            />
            <Checkbox
              label={t('rules.preview.verified')}
              checked={verified}
              onChange={(ev) => setVerified(ev.currentTarget.checked)}
              mb={8}
            />
            <Button type="submit" loading={run.isPending}>
              {t('rules.preview.run')}
            </Button>
          </Group>
        </Stack>
      </form>
      {run.error && (
        <Alert color="red" role="alert">
          {run.error instanceof ApiError ? run.error.message : String(run.error)}
        </Alert>
      )}
      {e && (
        <Stack gap={6} data-testid="preview-result" aria-live="polite">
          <Text fw={700} size="lg">
            {e.outcome.kind === 'assign'
              ? e.team?.teamName
                ? t('rules.preview.assignTeam', { agent: nameOf(e.outcome.agentId, e.outcome.agentName), team: e.team.teamName })
                : t('rules.preview.assign', { agent: nameOf(e.outcome.agentId, e.outcome.agentName) })
              : e.team?.teamName
                ? t('rules.preview.waitTeam', { team: e.team.teamName })
                : t('rules.preview.wait')}
            {e.outcome.kind === 'assign' && ` — ${t(`rules.preview.tie.${tieOf(e.outcome.tieBreak)}`)}`}
          </Text>
          {e.outcome.kind === 'wait' && (
            <Text size="sm">{e.agents.considered === 0 ? t('rules.preview.waitNoAgents') : t('rules.preview.waitNoneEligible')}</Text>
          )}
          <Text size="sm">
            {e.rule.id === 'fallback' ? t('rules.preview.fallback') : t('rules.preview.rule', { rule: e.rule.name || e.rule.id })}
          </Text>
          {e.skipped
            .filter((s) => s.error)
            .map((s) => (
              <Text key={s.id} size="sm" c="orange">
                {t('rules.preview.skippedError', { rule: s.id, error: s.error })}
              </Text>
            ))}
          <Text size="sm">{t('rules.preview.priority', e.priority)}</Text>
          <Text size="sm">{t('rules.preview.customer', { time: e.customer.localTime, timezone: e.customer.timezone })}</Text>
          <Text size="sm">{t('rules.preview.eligible', { count: e.agents.eligible, considered: e.agents.considered })}</Text>
          {e.ranking.length > 0 && (
            <div>
              <Text size="sm" fw={500}>
                {t('rules.preview.ranking')}
              </Text>
              <List size="sm">
                {e.ranking.slice(0, 5).map((c) => (
                  <List.Item key={c.agentId}>
                    {t('rules.preview.occupancy', { name: nameOf(c.agentId, c.agentName), percent: Math.round(c.occupancy * 100) })}
                  </List.Item>
                ))}
              </List>
            </div>
          )}
          {e.excluded.length > 0 && (
            <div>
              <Text size="sm" fw={500}>
                {t('rules.preview.excluded')}
              </Text>
              <List size="sm" data-testid="preview-excluded">
                {e.excluded.map((x) => {
                  const args = { name: nameOf(x.agentId, x.agentName), reason: t(`rules.preview.reason.${x.reason}`), detail: x.detail };
                  return (
                    <List.Item key={x.agentId}>{x.detail ? t('rules.preview.whyDetail', args) : t('rules.preview.why', args)}</List.Item>
                  );
                })}
              </List>
            </div>
          )}
        </Stack>
      )}
    </Stack>
  );
}
