import { Stack, Text, Textarea } from '@mantine/core';
import { useT } from '../i18n/index.tsx';
import { variantLines } from './format.ts';
import type { BroadcastInput, TemplateChoice } from './types.ts';

/** What a supervisor writes for an update (or the closing one) before it becomes a `BroadcastInput`. */
export interface UpdateDraft {
  text: string;
  variants: string;
  template: TemplateChoice | null;
}

export const EMPTY_DRAFT: UpdateDraft = { text: '', variants: '', template: null };

export function toInput(d: UpdateDraft): BroadcastInput {
  const variants = variantLines(d.variants);
  return { text: d.text.trim(), ...(variants.length ? { variants } : {}), whatsappTemplate: d.template };
}

/**
 * The update's text, its other wordings (one per line: a conversation always gets the same one,
 * and X refuses identical replies) and what the placeholders become. No standalone public post:
 * the server does not send one yet (the X channel only replies and sends DMs).
 */
export function UpdateFields({ draft, onChange }: { draft: UpdateDraft; onChange(d: UpdateDraft): void }) {
  const { t } = useT();
  const set = (patch: Partial<UpdateDraft>) => onChange({ ...draft, ...patch });
  return (
    <Stack gap="xs">
      <Textarea
        label={t('incidents.composer.text')}
        description={t('incidents.composer.textHint')}
        value={draft.text}
        onChange={(e) => set({ text: e.currentTarget.value })}
        maxLength={4000}
        autosize
        minRows={3}
      />
      <Textarea
        label={t('incidents.composer.variants')}
        description={t('incidents.composer.variantsHint')}
        value={draft.variants}
        onChange={(e) => set({ variants: e.currentTarget.value })}
        autosize
        minRows={2}
      />
      <Text size="xs" c="dimmed" data-testid="placeholder-help">
        {t('incidents.composer.placeholders')}
      </Text>
    </Stack>
  );
}
