import { Badge, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Me } from '../api/types.ts';
import { contactQuery } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';
import { MergedInto } from '../merge/MergedInto.tsx';
import { MergeHistory } from '../merge/MergeHistory.tsx';
import { MergeSuggestions } from '../merge/MergeSuggestions.tsx';
import { MergeWith } from '../merge/MergeWith.tsx';
import { AnchorTo } from '../ui/links.tsx';
import { ContactForm } from './ContactForm.tsx';
import { ContactNotes } from './ContactNotes.tsx';
import { identityKind } from './kinds.ts';
import { Section } from './Section.tsx';

/** Who the customer is: details to edit, their local time, every identity, notes and past conversations. */
export function ContactPanel({ contactId, conversationId, me }: { contactId: string; conversationId: string; me: Me }) {
  const { t, lang } = useT();
  const contact = useQuery(contactQuery(contactId));
  const now = useNow();
  if (contact.isPending) return <Loader size="sm" aria-label={t('app.loading')} />;
  if (contact.isError) {
    return (
      <Text c="red" size="sm" role="alert">
        {t('app.error', { message: contact.error.message })}
      </Text>
    );
  }
  const c = contact.data;
  const local = c.timezone ? localTime(now, c.timezone, lang) : null;
  const past = c.conversations.filter((x) => x.id !== conversationId);
  const dates = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  return (
    <Stack gap="sm" data-testid="contact-panel">
      <div>
        <Title order={3} size="h5" data-testid="contact-name">
          {c.name ?? c.identities[0]?.displayName ?? c.identities[0]?.externalId ?? t('app.none')}
        </Title>
        {local && (
          <Text size="xs" c="dimmed" data-testid="contact-local-time">
            {t('contact.localTime', { time: local, zone: c.timezone })}
          </Text>
        )}
        <Group gap={4} mt={4}>
          {c.signals.verified && (
            <Badge size="xs" color="blue" variant="light">
              {t('contact.verified')}
            </Badge>
          )}
          {c.signals.followers !== undefined && (
            <Badge size="xs" color="gray" variant="light">
              {t('contact.followers', { count: c.signals.followers, formatted: c.signals.followers.toLocaleString(lang) })}
            </Badge>
          )}
        </Group>
      </div>
      {c.mergedInto && <MergedInto targetId={c.mergedInto} />}
      <MergeSuggestions contactId={c.id} />
      <Section title={t('contact.identities')}>
        <Stack gap={2} component="ul" className="plain-list" data-testid="contact-identities">
          {c.identities.map((i) => (
            <Text size="xs" component="li" key={`${i.kind}:${i.externalId}`} className="break-anywhere">
              <Text span size="xs" c="dimmed">
                {identityKind(i.kind, t)}:
              </Text>{' '}
              {i.externalId}
              {i.displayName && i.displayName !== i.externalId ? ` (${i.displayName})` : ''}
              {i.verified && (
                <Badge size="xs" ml={4} variant="light" color="blue">
                  {t('contact.verified')}
                </Badge>
              )}
            </Text>
          ))}
        </Stack>
      </Section>
      <Section title={t('contact.form.title')}>
        <ContactForm key={`${c.id}:${c.name}:${c.country}:${c.locale}:${c.timezone}`} contact={c} />
      </Section>
      <Section title={t('contact.notes.title')}>
        <ContactNotes contactId={c.id} me={me} />
      </Section>
      <Section title={t('contact.past.title')}>
        {past.length === 0 ? (
          <Text size="xs" c="dimmed">
            {t('contact.past.none')}
          </Text>
        ) : (
          <Stack gap={4} component="ul" className="plain-list" data-testid="contact-past">
            {past.map((p) => (
              <li key={p.id}>
                <AnchorTo to="/inbox/$view/$conversationId" params={{ view: 'all', conversationId: p.id }} size="xs">
                  {p.subject ?? t('contact.past.noSubject')}
                </AnchorTo>{' '}
                <Text span size="xs" c="dimmed">
                  · {t(`status.${p.status}`)} · {dates.format(new Date(p.lastMessageAt))}
                </Text>
              </li>
            ))}
          </Stack>
        )}
      </Section>
      <Section title={t('merge.history.title')}>
        <Stack gap="xs" align="flex-start">
          {!c.mergedInto && <MergeWith contact={c} />}
          <MergeHistory contactId={c.id} />
        </Stack>
      </Section>
    </Stack>
  );
}

function localTime(now: Date, zone: string, lang: string): string | null {
  try {
    return new Intl.DateTimeFormat(lang, { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(now);
  } catch {
    return null;
  }
}

/** The time, again every half minute, so the contact's local time keeps up. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  const interval = useInterval(() => setNow(new Date()), 30_000);
  useEffect(() => {
    interval.start();
    return interval.stop;
  }, [interval.start, interval.stop]);
  return now;
}
