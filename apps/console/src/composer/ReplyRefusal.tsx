import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import type { ReplyAlternative, Visibility } from '../api/types.ts';
import { type ChannelInfo, channelName, visibilityLabel } from '../conversation/channel.tsx';
import { useHandoff } from '../handoff/context.tsx';
import { useT } from '../i18n/index.tsx';
import { WINDOW_CODES } from './replies.ts';

interface Props {
  channel: ChannelInfo;
  visibility: Visibility;
  /** The channel's sentence saying why (X: the tier allows public replies only to posts that mention the brand). */
  reason: string;
  /** The reason's stable name (`window_closed`): a shut reply window gets its own title. */
  code?: string | undefined;
  alternatives: ReplyAlternative[];
  onVisibility(v: Visibility): void;
  /** Takes the agent to the template picker (shown below while only templates go). */
  onTemplate(): void;
  /** A title of its own (the privacy guard's refusal), instead of the channel's. */
  title?: string | undefined;
}

/**
 * Why the channel will not take this reply, and what the agent can do instead: another
 * visibility (a DM), the post in the channel's own app, one of the account's templates (WhatsApp
 * outside its window), or a handoff to another channel (the handoff dialog). Send stays off while
 * it shows, so a refused reply is never posted.
 */
export function ReplyRefusal({ channel, visibility, reason, code, alternatives, onVisibility, onTemplate, title }: Props) {
  const { t, lang } = useT();
  const name = channel.kind ? channelName(channel.kind, lang) : '';
  const label = (v: Visibility) => visibilityLabel(channel, v, lang, t(`visibility.${v}`));
  return (
    <Alert
      color="orange"
      variant="light"
      p="xs"
      data-testid="reply-refused"
      title={
        title ??
        (WINDOW_CODES.includes(code ?? '')
          ? t('conversation.composer.refused.windowTitle', { channel: name })
          : t('conversation.composer.refused.title', { visibility: label(visibility), channel: name }))
      }
    >
      <Stack gap={6}>
        <Text size="sm" data-testid="refusal-reason">
          {reason}
        </Text>
        {alternatives.length > 0 && (
          <Group gap="xs" wrap="wrap" aria-label={t('conversation.composer.refused.instead')} role="group">
            {alternatives.map((a) => (
              <Alternative key={key(a)} alternative={a} channel={name} label={label} onVisibility={onVisibility} onTemplate={onTemplate} />
            ))}
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

function key(a: ReplyAlternative): string {
  return a.kind === 'visibility' ? `v:${a.visibility}` : a.kind === 'open_external' ? `o:${a.url}` : a.kind;
}

function Alternative({
  alternative: a,
  channel,
  label,
  onVisibility,
  onTemplate,
}: {
  alternative: ReplyAlternative;
  channel: string;
  label: (v: Visibility) => string;
  onVisibility(v: Visibility): void;
  onTemplate(): void;
}) {
  const { t } = useT();
  const handoff = useHandoff();
  if (a.kind === 'template') {
    return (
      <Button size="compact-sm" onClick={onTemplate} data-testid="alternative-template">
        {t('conversation.composer.refused.template')}
      </Button>
    );
  }
  if (a.kind === 'visibility') {
    return (
      <Button size="compact-sm" onClick={() => onVisibility(a.visibility)} data-testid="alternative-visibility">
        {t('conversation.composer.refused.switch', { visibility: label(a.visibility) })}
      </Button>
    );
  }
  if (a.kind === 'open_external') {
    // Only a web address opens: anything else an adapter sent is not followed.
    if (!/^https:\/\//i.test(a.url)) return null;
    return (
      <Button
        size="compact-sm"
        variant="default"
        component="a"
        href={a.url}
        target="_blank"
        rel="noopener noreferrer"
        data-testid="alternative-external"
      >
        {t('conversation.composer.refused.openExternal', { channel })}
      </Button>
    );
  }
  // Outside a conversation there is nothing to hand off: the alternative is left out.
  if (!handoff) return null;
  return (
    <Button size="compact-sm" variant="default" onClick={handoff.open} data-testid="alternative-handoff">
      {t('conversation.composer.refused.handoff')}
    </Button>
  );
}
