import { SegmentedControl } from '@mantine/core';
import { type Lang, useT } from '../i18n/index.tsx';

export function LanguagePicker() {
  const { t, lang, setLang } = useT();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('app.language')}
      value={lang}
      onChange={(v) => setLang(v as Lang)}
      data={[
        { value: 'es', label: 'ES' },
        { value: 'en', label: 'EN' },
      ]}
    />
  );
}
