import type { AccountState as State } from '@centralita/channel-kit';
import { ActionIcon, Badge, Code, CopyButton, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import type { ChannelAccount } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { CheckIcon, CopyIcon } from '../ui/icons.tsx';
import { LinkCode, linkData } from './LinkCode.tsx';
import { iconSource, type LocalKind } from './names.ts';
import './strings.ts';

const STATE_COLOR: Record<State, string> = {
  connecting: 'blue',
  linking: 'violet',
  ready: 'green',
  degraded: 'orange',
  out_of_credits: 'red',
  logged_out: 'red',
};

/** The adapter's icon and the channel's name in the console's language. */
export function KindLabel({ kind, raw }: { kind: LocalKind | null; raw: string }) {
  return (
    <Group gap={6} wrap="nowrap" component="span">
      {kind && <img src={iconSource(kind.icon)} alt="" width={18} height={18} />}
      <Text span size="sm" c="dimmed">
        {kind?.displayName ?? raw}
      </Text>
    </Group>
  );
}

/** What the adapter last reported: the state in the console's words, and the adapter's own sentence. */
export function AccountState({ account }: { account: ChannelAccount }) {
  const { t, lang } = useT();
  // The host stores only states the kit defines (stateReportProblems), so the union holds.
  const s = account.state ? { ...account.state, state: account.state.state as State } : null;
  const link = s?.state === 'linking' ? linkData(s.data) : null;
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Badge color={s ? STATE_COLOR[s.state] : 'gray'} variant="light" data-testid="account-state">
          {s ? t(`channels.state.${s.state}`) : t('channels.noState')}
        </Badge>
        <Text size="xs" c="dimmed">
          {s ? t(`channels.meaning.${s.state}`) : t('channels.noStateHint')}
        </Text>
      </Group>
      {s && (
        <Text size="sm" data-testid="account-state-detail">
          {s.detail}{' '}
          <Text span size="xs" c="dimmed">
            (
            {t('channels.since', {
              when: new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(s.changedAt)),
            })}
            )
          </Text>
        </Text>
      )}
      {link && <LinkCode link={link} kind={account.kind} />}
    </Stack>
  );
}

/** A value to copy (an address), shown in full and wrapping rather than widening the page. */
export function Copyable({ value, label }: { value: string; label: string }) {
  const { t } = useT();
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <Code style={{ wordBreak: 'break-all', whiteSpace: 'normal' }} aria-label={label}>
        {value}
      </Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? t('channels.copied') : t('channels.copy')}>
            <ActionIcon variant="subtle" size="sm" onClick={copy} aria-label={`${t('channels.copy')}: ${label}`}>
              {copied ? <CheckIcon /> : <CopyIcon />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

/** The webhook address and every setting under the adapter's labels; secrets only as set or not. */
export function AccountSettings({ account, kind }: { account: ChannelAccount; kind: LocalKind | null }) {
  const { t } = useT();
  const fields = (kind?.fields ?? []).filter((f) => f.secret || account.settings[f.name] !== undefined);
  return (
    <Table layout="fixed" variant="vertical" withTableBorder aria-label={t('channels.settings')}>
      <Table.Tbody>
        <Table.Tr>
          <Table.Th w="40%">{t('channels.webhookUrl')}</Table.Th>
          <Table.Td>
            <Copyable value={account.webhookUrl} label={t('channels.webhookUrl')} />
          </Table.Td>
        </Table.Tr>
        {fields.map((f) => (
          <Table.Tr key={f.name}>
            <Table.Th style={{ wordBreak: 'break-word' }}>
              {f.label}
              {f.help && (
                <Text size="xs" c="dimmed" fw={400}>
                  {f.help}
                </Text>
              )}
            </Table.Th>
            <Table.Td style={{ wordBreak: 'break-word' }}>
              {f.secret ? (
                <Badge variant="light" color={account.secrets[f.name] === 'set' ? 'green' : 'gray'}>
                  {account.secrets[f.name] === 'set' ? t('channels.secretSet') : t('channels.secretUnset')}
                </Badge>
              ) : (
                formatSetting(account.settings[f.name], { none: t('app.none'), yes: t('channels.yes'), no: t('channels.no') })
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** A setting as words: lists joined, records as "key: value", nothing as a dash. */
function formatSetting(value: unknown, words: { none: string; yes: string; no: string }): string {
  const none = words.none;
  if (Array.isArray(value)) return value.length ? value.map((v) => formatSetting(v, words)).join(', ') : none;
  if (typeof value === 'object' && value !== null)
    return (
      Object.entries(value)
        .map(([k, v]) => `${k}: ${formatSetting(v, words)}`)
        .join(', ') || none
    );
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  return value === '' || value === null || value === undefined ? none : String(value);
}
