import { Badge, Button, Group, Paper, Radio, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import type { MessageTemplate } from '../../api/types.ts';
import { localeName } from '../../contact/places.ts';
import { useT } from '../../i18n/index.tsx';
import { type LanguageGroup, templateId } from './templates.ts';

interface Props {
  groups: LanguageGroup[];
  /** Whether the account has any template at all (so an empty list says why). */
  any: boolean;
  query: string;
  onQuery(q: string): void;
  selected: MessageTemplate | null;
  onSelect(t: MessageTemplate): void;
  onRefresh(): void;
  refreshing: boolean;
  fetchedAt: string | null;
  searchId: string;
  autoFocus: boolean;
}

/**
 * The account's templates to choose from: searched by name, grouped by language with the
 * customer's first, each with its category and text. Approved ones are radio cards (arrow keys
 * move between them); pending and rejected ones are listed greyed with their status and cannot be
 * chosen. "Refresh" asks the provider again (one approved a minute ago shows).
 */
export function TemplatePicker(props: Props) {
  const { groups, any, query, onQuery, selected, onSelect, onRefresh, refreshing, fetchedAt, searchId, autoFocus } = props;
  const { t, lang } = useT();
  const all = groups.flatMap((g) => g.templates);
  const byId = new Map(all.map((x) => [templateId(x), x]));
  const firstApproved = all.find((x) => x.status === 'approved');
  // One stop for Tab: the chosen card, else the first; the arrow keys move within.
  const tabStop = selected ? templateId(selected) : firstApproved ? templateId(firstApproved) : null;
  return (
    <Stack gap={6}>
      <Group gap="xs" wrap="nowrap" align="flex-end">
        <TextInput
          id={searchId}
          size="xs"
          style={{ flex: 1, minWidth: 0 }}
          aria-label={t('templates.search')}
          placeholder={t('templates.search')}
          value={query}
          onChange={(e) => onQuery(e.currentTarget.value)}
          data-autofocus={autoFocus || undefined}
          autoFocus={autoFocus}
        />
        <Button size="xs" variant="default" onClick={onRefresh} loading={refreshing} data-testid="templates-refresh">
          {t('templates.refresh')}
        </Button>
      </Group>
      {fetchedAt && (
        <Text size="xs" c="dimmed">
          {t('templates.listedAt', { when: new Intl.DateTimeFormat(lang, { timeStyle: 'short' }).format(new Date(fetchedAt)) })}
        </Text>
      )}
      {groups.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="templates-empty">
          {any ? t('templates.noMatch', { q: query }) : t('templates.empty')}
        </Text>
      ) : (
        <ScrollArea.Autosize mah={200} type="auto" offsetScrollbars>
          <Radio.Group
            name="composer-template"
            value={selected ? templateId(selected) : null}
            onChange={(id) => {
              const picked = byId.get(id);
              if (picked?.status === 'approved') onSelect(picked);
            }}
            label={t('templates.title')}
            labelProps={{ size: 'xs' }}
          >
            <Stack gap="xs" mt={4}>
              {groups.map((g) => (
                <Stack
                  gap={4}
                  key={g.language}
                  role="group"
                  aria-label={localeName(g.language.replace(/_/g, '-'), lang)}
                  data-testid="template-group"
                >
                  <Group gap={6}>
                    <Text size="xs" fw={700} c="dimmed" data-testid="template-language">
                      {localeName(g.language.replace(/_/g, '-'), lang)}
                    </Text>
                    {g.preferred && (
                      <Badge size="xs" variant="light" color="teal">
                        {t('templates.customerLanguage')}
                      </Badge>
                    )}
                  </Group>
                  {g.templates.map((x) =>
                    x.status === 'approved' ? (
                      <Radio.Card
                        key={templateId(x)}
                        value={templateId(x)}
                        p={6}
                        radius="sm"
                        tabIndex={templateId(x) === tabStop ? 0 : -1}
                        data-testid="template-option"
                      >
                        <Group gap="xs" wrap="nowrap" align="flex-start">
                          <Radio.Indicator size="xs" mt={4} />
                          <TemplateSummary template={x} />
                        </Group>
                      </Radio.Card>
                    ) : (
                      <Paper key={templateId(x)} withBorder p={6} radius="sm" aria-disabled="true" data-testid="template-unavailable">
                        <Group gap="xs" wrap="nowrap" align="flex-start">
                          <Radio.Indicator size="xs" mt={4} disabled checked={false} />
                          <TemplateSummary template={x} />
                        </Group>
                      </Paper>
                    ),
                  )}
                </Stack>
              ))}
            </Stack>
          </Radio.Group>
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}

/** A template's name, category (and status when not approved) and its text, cut to two lines. */
function TemplateSummary({ template: x }: { template: MessageTemplate }) {
  const { t } = useT();
  const approved = x.status === 'approved';
  const category = (['marketing', 'utility', 'authentication'] as const).find((c) => c === x.category);
  const status =
    x.status === 'pending' || x.status === 'rejected'
      ? t(`templates.status.${x.status}`)
      : t('templates.status.other', { status: x.status });
  return (
    <Stack gap={2} style={{ minWidth: 0 }} opacity={approved ? 1 : 0.55}>
      <Group gap={6} wrap="wrap">
        <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
          {x.name}
        </Text>
        <Badge size="xs" variant="outline" color="gray">
          {category ? t(`templates.category.${category}`) : x.category}
        </Badge>
        {!approved && (
          <Badge size="xs" variant="light" color={x.status === 'rejected' ? 'red' : 'yellow'} data-testid="template-status">
            {status}
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
        {x.body}
      </Text>
    </Stack>
  );
}
