import { Autocomplete, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ApiError, client } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { Answer, Contact } from '../conversation/queries.ts';
import { useT } from '../i18n/index.tsx';
import { COMMON_LOCALES, countries, isLocaleTag, isTimezone, localeName, timezones } from './places.ts';

type Fields = { name: string; country: string; locale: string; timezone: string };
type Errors = Partial<Record<keyof Fields, string>>;

const fieldsOf = (c: Contact): Fields => ({
  name: c.name ?? '',
  country: c.country ?? '',
  locale: c.locale ?? '',
  timezone: c.timezone ?? '',
});

/**
 * The contact's name, country, language and timezone, checked here as the server checks them
 * (ISO country, BCP 47 tag, IANA zone) so a typo is named beside its field before saving; the
 * server's answer to what it still refuses is shown on the same field.
 */
export function ContactForm({ contact }: { contact: Contact }) {
  const { t, lang } = useT();
  const queryClient = useQueryClient();
  const [fields, setFields] = useState<Fields>(() => fieldsOf(contact));
  const [errors, setErrors] = useState<Errors>({});
  const countryList = useMemo(() => {
    const list = countries(lang);
    if (contact.country && !list.some((c) => c.value === contact.country)) list.unshift({ value: contact.country, label: contact.country });
    return list;
  }, [lang, contact.country]);
  const zones = useMemo(timezones, []);
  const initial = fieldsOf(contact);
  const changed = (Object.keys(fields) as (keyof Fields)[]).filter((k) => fields[k].trim() !== initial[k]);

  const save = useMutation({
    mutationFn: async (body: Record<string, string | null>) => {
      const { data: answer } = await client.PATCH('/api/v1/contacts/{id}', { params: { path: { id: contact.id } }, body });
      return (answer as Answer<'/api/v1/contacts/{id}', 'patch'>).contact;
    },
    onSuccess: (next) => {
      queryClient.setQueryData(keys.contact(contact.id), next);
      setFields(fieldsOf(next));
      notifications.show({ color: 'green', message: t('contact.form.saved') });
    },
    onError: (err) => {
      // The server names the field it refused (details[].field); else the sentence goes on the form.
      const field = err instanceof ApiError ? err.details.find((d) => d.field)?.field : undefined;
      if (field && field in fields) setErrors({ [field]: err.message });
      else setErrors({ name: err.message });
    },
  });

  const submit = () => {
    const v = { name: fields.name.trim(), country: fields.country.trim(), locale: fields.locale.trim(), timezone: fields.timezone.trim() };
    const found: Errors = {};
    if (v.locale && !isLocaleTag(v.locale)) found.locale = t('contact.form.badLocale');
    if (v.timezone && !isTimezone(v.timezone)) found.timezone = t('contact.form.badTimezone');
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const body: Record<string, string | null> = {};
    for (const k of changed) body[k] = v[k] === '' ? null : v[k];
    save.mutate(body);
  };

  const set = (k: keyof Fields) => (value: string | null) => {
    setFields((f) => ({ ...f, [k]: value ?? '' }));
    setErrors((e) => ({ ...e, [k]: undefined }));
  };

  return (
    <Stack
      gap="xs"
      component="form"
      aria-label={t('contact.form.title')}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <TextInput
        size="xs"
        label={t('contact.form.name')}
        value={fields.name}
        onChange={(e) => set('name')(e.currentTarget.value)}
        error={errors.name}
      />
      <Select
        size="xs"
        label={t('contact.form.country')}
        data={countryList}
        value={fields.country || null}
        onChange={set('country')}
        searchable
        clearable
        nothingFoundMessage={t('contact.form.noCountry')}
        error={errors.country}
        comboboxProps={{ withinPortal: true }}
      />
      <Autocomplete
        size="xs"
        label={t('contact.form.locale')}
        description={fields.locale && isLocaleTag(fields.locale) ? localeName(fields.locale, lang) : t('contact.form.localeHint')}
        data={COMMON_LOCALES.map((l) => ({ value: l, label: `${l} · ${localeName(l, lang)}` }))}
        value={fields.locale}
        onChange={set('locale')}
        error={errors.locale}
        comboboxProps={{ withinPortal: true }}
      />
      <Autocomplete
        size="xs"
        label={t('contact.form.timezone')}
        description={t('contact.form.timezoneHint')}
        data={zones}
        limit={30}
        value={fields.timezone}
        onChange={set('timezone')}
        error={errors.timezone}
        comboboxProps={{ withinPortal: true }}
      />
      <Group justify="flex-end" gap="xs">
        {changed.length > 0 && (
          <Button
            size="xs"
            variant="default"
            onClick={() => {
              setFields(initial);
              setErrors({});
            }}
          >
            {t('app.cancel')}
          </Button>
        )}
        <Button size="xs" type="submit" disabled={changed.length === 0} loading={save.isPending}>
          {t('contact.form.save')}
        </Button>
      </Group>
    </Stack>
  );
}
