import { Button, Chip, Group, Modal, Stack, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { useT } from '../i18n/index.tsx';
import { fromLocalInput, incidentRef, languageCode, regionCode, toLocalInput } from './format.ts';
import { acceptIncident, declareIncident, incidentKeys, incidentSettingsQuery } from './queries.ts';
import type { DeclareInput, IncidentView } from './types.ts';

/** Codes as typed, canonical, and the ones that are not codes at all (said under the field). */
function codes(values: string[], parse: (s: string) => string | null): { ok: string[]; bad: string[] } {
  const ok: string[] = [];
  const bad: string[] = [];
  for (const v of values) {
    const code = parse(v);
    if (code) {
      if (!ok.includes(code)) ok.push(code);
    } else bad.push(v.trim());
  }
  return { ok, bad };
}

/**
 * Declaring an incident, or accepting a proposal with its fields prefilled from what the detector
 * saw: what it is called and what customers are told, where (ISO 3166-2 regions), which of the
 * workspace's services, more keywords, languages and when it began. Linking starts at once on the
 * server; the incident's screen opens.
 */
export function DeclareForm({ proposal, onClose }: { proposal?: IncidentView; onClose(): void }) {
  const { t } = useT();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const settings = useQuery(incidentSettingsQuery).data;
  const [title, setTitle] = useState(proposal?.title ?? '');
  const [statusText, setStatusText] = useState(proposal?.statusText ?? '');
  const [regions, setRegions] = useState<string[]>(proposal?.regions ?? []);
  const [services, setServices] = useState<string[]>(proposal?.services ?? []);
  const [keywords, setKeywords] = useState<string[]>(proposal?.keywords ?? []);
  const [languages, setLanguages] = useState<string[]>(proposal?.languages ?? []);
  const [startsAt, setStartsAt] = useState(toLocalInput(proposal ? new Date(proposal.startsAt) : new Date()));
  const [tried, setTried] = useState(false);
  const r = codes(regions, regionCode);
  const l = codes(languages, languageCode);
  const start = fromLocalInput(startsAt);
  const problems = {
    title: title.trim() ? null : t('incidents.form.titleMissing'),
    regions: r.bad.length ? t('incidents.form.regionInvalid', { code: r.bad.join(', ') }) : null,
    languages: l.bad.length ? t('incidents.form.languageInvalid', { code: l.bad.join(', ') }) : null,
    startsAt: start ? null : t('incidents.form.startsAtMissing'),
  };
  const save = useMutation({
    mutationFn: () => {
      const body: DeclareInput = {
        title: title.trim(),
        statusText: statusText.trim(),
        regions: r.ok,
        services,
        keywords: keywords.map((k) => k.trim()).filter(Boolean),
        languages: l.ok,
        ...(start ? { startsAt: start } : {}),
      };
      return proposal ? acceptIncident(proposal.id, body) : declareIncident(body);
    },
    onSuccess: async (incident) => {
      notifications.show({
        color: 'green',
        message: t(proposal ? 'incidents.form.accepted' : 'incidents.form.declared', { ref: incidentRef(incident.number) }),
      });
      onClose();
      await queryClient.invalidateQueries({ queryKey: incidentKeys.all });
      await navigate({ to: '/incidents/$incidentId', params: { incidentId: incident.id } });
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const serverSays = (field: string) => error?.details.find((d) => d.field === field || d.field?.startsWith(`${field}.`))?.message;
  const shown = (field: keyof typeof problems) => (tried ? problems[field] : null) ?? serverSays(field);
  // Services the workspace lists, and any the proposal named that it no longer does (kept, so accepting loses nothing).
  const offered = [...new Set([...(settings?.services.map((s) => s.label) ?? []), ...services])];
  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={proposal ? t('incidents.form.acceptTitle', { ref: incidentRef(proposal.number) }) : t('incidents.form.declareTitle')}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (Object.values(problems).every((p) => p === null)) save.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={t('incidents.form.title')}
            description={t('incidents.form.titleHint')}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            maxLength={200}
            required
            error={shown('title')}
            data-autofocus
          />
          <Textarea
            label={t('incidents.form.statusText')}
            description={t('incidents.form.statusTextHint')}
            value={statusText}
            onChange={(e) => setStatusText(e.currentTarget.value)}
            maxLength={2000}
            autosize
            minRows={2}
            error={serverSays('statusText')}
          />
          <TagsInput
            label={t('incidents.form.regions')}
            description={t('incidents.form.regionsHint')}
            value={regions}
            onChange={(v) => setRegions(v.map((x) => regionCode(x) ?? x))}
            maxTags={100}
            splitChars={[',', ' ']}
            error={shown('regions')}
            clearable
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="incident-services-label">
              {t('incidents.form.services')}
            </Text>
            {offered.length === 0 ? (
              <Text size="xs" c="dimmed">
                {t('incidents.form.noServices')}
              </Text>
            ) : (
              <Chip.Group multiple value={services} onChange={setServices}>
                <Group gap={6} role="group" aria-labelledby="incident-services-label">
                  {offered.map((s) => (
                    <Chip key={s} value={s} size="xs">
                      {s}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
            )}
          </Stack>
          <TagsInput
            label={t('incidents.form.keywords')}
            description={t('incidents.form.keywordsHint')}
            value={keywords}
            onChange={setKeywords}
            maxTags={100}
            splitChars={[',']}
            error={serverSays('keywords')}
            clearable
          />
          <TagsInput
            label={t('incidents.form.languages')}
            description={t('incidents.form.languagesHint')}
            value={languages}
            onChange={(v) => setLanguages(v.map((x) => languageCode(x) ?? x))}
            maxTags={20}
            splitChars={[',', ' ']}
            error={shown('languages')}
          />
          <TextInput
            type="datetime-local"
            label={t('incidents.form.startsAt')}
            description={t('incidents.form.startsAtHint')}
            value={startsAt}
            onChange={(e) => setStartsAt(e.currentTarget.value)}
            error={shown('startsAt')}
          />
          {error && !error.details.length && (
            <Text size="sm" c="red" role="alert">
              {error.message}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('app.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {proposal ? t('incidents.form.accept') : t('incidents.form.declare')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
