import { Button, Group, SegmentedControl, Select } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Visibility } from '../api/types.ts';
import { type ChannelInfo, visibilityLabel } from '../conversation/channel.tsx';
import { useT } from '../i18n/index.tsx';

export type ComposerMode = 'reply' | 'note';

/**
 * What the composer writes: a reply or a note; for a reply, its visibility where the channel has
 * both, and a template instead of free text where the account has templates (WhatsApp); beside
 * them, which account the reply goes out on when there is a choice.
 */
export function ModeBar({
  channel,
  mode,
  onMode,
  visibility,
  onVisibility,
  template,
  children,
}: {
  channel: ChannelInfo;
  mode: ComposerMode;
  onMode(mode: ComposerMode): void;
  visibility: Visibility;
  onVisibility(v: Visibility): void;
  /** The template switch, when the agent may choose between a template and free text. */
  template: { on: boolean; toggle(): void } | null;
  /** More of the same row: which account the reply goes out on. */
  children?: ReactNode;
}) {
  const { t, lang } = useT();
  const visibilities = channel.capabilities?.visibilities ?? ['private'];
  const reply = mode === 'reply';
  return (
    <Group gap="xs" wrap="wrap">
      <SegmentedControl
        size="xs"
        value={mode}
        onChange={(v) => onMode(v as ComposerMode)}
        data={[
          { value: 'reply', label: t('conversation.composer.reply') },
          { value: 'note', label: t('conversation.composer.note') },
        ]}
        aria-label={t('conversation.composer.mode')}
      />
      {children}
      {reply && visibilities.length > 1 && (
        <Select
          size="xs"
          w={180}
          aria-label={t('conversation.composer.visibility')}
          value={visibility}
          allowDeselect={false}
          onChange={(v) => v && onVisibility(v as Visibility)}
          data={visibilities.map((v) => ({ value: v, label: visibilityLabel(channel, v, lang, t(`visibility.${v}`)) }))}
          comboboxProps={{ withinPortal: true }}
        />
      )}
      {reply && template && (
        <Button
          size="compact-sm"
          variant={template.on ? 'light' : 'default'}
          aria-pressed={template.on}
          onClick={template.toggle}
          data-testid="use-template"
        >
          {t('conversation.composer.template.use')}
        </Button>
      )}
    </Group>
  );
}
