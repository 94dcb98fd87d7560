import { Avatar, Badge, Checkbox, Group, Text, VisuallyHidden } from '@mantine/core';
import { createLink } from '@tanstack/react-router';
import { type AnchorHTMLAttributes, memo, type Ref } from 'react';
import type { ChannelKind, InboxRow } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { IncidentRowMark } from '../incidents/marks.tsx';
import { ChannelIcon } from './ChannelIcon.tsx';
import { SlaCountdown } from './SlaCountdown.tsx';
import type { View } from './search.ts';
import { formatWhen } from './time.ts';

/** Every row is this tall: the list renders only the rows in view (List.tsx). */
export const ROW_HEIGHT = 80;

const RowAnchor = createLink((props: AnchorHTMLAttributes<HTMLAnchorElement> & { ref?: Ref<HTMLAnchorElement> }) => <a {...props} />);

/** What the row is called: its subject, else who wrote, else a dash. */
export function rowTitle(row: InboxRow): string {
  return row.subject ?? row.contact.name ?? '—';
}

interface Props {
  row: InboxRow;
  view: View;
  kinds: ChannelKind[];
  myUserId: string | null;
  open: boolean;
  cursor: boolean;
  /** The one row Tab reaches (roving focus): the current one, else the first. */
  tabbable: boolean;
  checked: boolean;
  onCheck(id: string, checked: boolean): void;
  onFocusRow(id: string): void;
}

export const Row = memo(function Row({ row, view, kinds, myUserId, open, cursor, tabbable, checked, onCheck, onFocusRow }: Props) {
  const { t, lang } = useT();
  const name = row.contact.name ?? '—';
  const title = rowTitle(row);
  const mineLast = row.lastMessageDirection === 'outbound';
  const assignee = row.assignee ? (row.assignee.id === myUserId ? t('inbox.row.me') : row.assignee.name) : null;
  return (
    <div className="inbox-row" data-testid="conversation-row" data-unread={row.unread} data-open={open} data-cursor={cursor}>
      <Checkbox
        size="xs"
        checked={checked}
        onChange={(e) => onCheck(row.id, e.currentTarget.checked)}
        aria-label={t('inbox.row.select', { name: title })}
        tabIndex={-1}
        mt={6}
      />
      <RowAnchor
        to="/inbox/$view/$conversationId"
        params={{ view, conversationId: row.id }}
        search={(s: object) => s}
        className="inbox-row-link"
        data-conversation={row.id}
        aria-current={open ? 'page' : undefined}
        tabIndex={tabbable ? 0 : -1}
        onFocus={() => onFocusRow(row.id)}
      >
        <div className="inbox-avatar" data-unread={row.unread}>
          <Avatar size={36} radius="xl" color="initials" name={name === '—' ? undefined : name}>
            {row.contact.initials}
          </Avatar>
        </div>
        <div className="inbox-row-body">
          <Group gap={6} wrap="nowrap" justify="space-between">
            <Text size="sm" fw={row.unread ? 700 : 500} truncate="end" data-testid="row-name">
              {name}
            </Text>
            {row.unread && <VisuallyHidden data-testid="row-unread">{t('inbox.row.unread')}</VisuallyHidden>}
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              {formatWhen(row.lastMessageAt, lang, Date.now())}
            </Text>
          </Group>
          <Text size="xs" fw={row.unread ? 600 : 400} truncate="end" data-testid="row-title">
            {row.subject ? title : null}
            {row.subject && row.preview ? ' · ' : null}
            <Text span size="xs" c="dimmed" fw={400} data-testid="row-preview">
              {row.preview ? `${mineLast ? t('inbox.row.replied') : ''}${row.preview}` : row.subject ? '' : t('inbox.row.noPreview')}
            </Text>
          </Text>
          <Group gap={6} wrap="nowrap" mt={2}>
            <ChannelIcon kind={row.routing.channelKind} kinds={kinds} />
            <Text size="xs" c="dimmed" truncate="end" data-testid="row-assignee" style={{ minWidth: 0 }}>
              {assignee ?? t('inbox.row.unassigned')}
            </Text>
            {row.origin === 'proactive' && (
              <Badge size="xs" variant="light" color="cyan" data-testid="row-proactive" style={{ flexShrink: 0 }}>
                {t('inbox.row.proactive')}
              </Badge>
            )}
            <IncidentRowMark incidentId={row.routing.incidentId} />
            {row.hasDraft && (
              <Badge size="xs" variant="outline" color="gray">
                {t('inbox.row.draft')}
              </Badge>
            )}
            <div style={{ flex: 1 }} />
            {row.priority > 0 && (
              <Badge
                size="xs"
                variant="light"
                color={row.priority >= 5 ? 'red' : 'yellow'}
                title={t('inbox.row.priority', { priority: row.priority })}
              >
                P{row.priority}
              </Badge>
            )}
            {row.status !== 'resolved' && <SlaCountdown dueAt={row.slaDueAt} breached={row.slaBreached.length > 0} />}
          </Group>
        </div>
      </RowAnchor>
    </div>
  );
});
