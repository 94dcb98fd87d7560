import { NumberInput, PasswordInput, Select, Switch, Textarea, TextInput } from '@mantine/core';
import { useT } from '../../i18n/index.tsx';
import '../strings.ts';
import type { Field, FormValue } from './form-values.ts';

// Switches, not checkboxes: a Checkbox in a lazy chunk splits the inbox's own chunks apart and
// costs the inbox's first load (SearchEditor.tsx says the same).

/**
 * One config field, drawn from what its channel's schema says of it (`field.input`): a password
 * box for a secret (empty unless typed: a stored one is never shown back), a number box with the
 * schema's bounds, a switch, a list of choices, or text.
 */
export function FieldControl({
  field,
  value,
  onChange,
  error,
  secretSet,
}: {
  field: Field;
  value: FormValue;
  onChange: (value: FormValue) => void;
  error: string | undefined;
  /** The account already has this secret: empty keeps it. */
  secretSet: boolean;
}) {
  const { t } = useT();
  const { input } = field;
  const help = [field.help, input.list ? t('channels.setup.onePerLine') : null, field.secret ? t('channels.setup.secretHelp') : null]
    .filter(Boolean)
    .join(' ');
  const common = {
    label: field.label,
    description: help || undefined,
    error,
    withAsterisk: input.required && !secretSet,
    'data-field': field.name,
  };
  const text = typeof value === 'string' ? value : String(value);
  if (field.secret) {
    return (
      <PasswordInput
        {...common}
        value={text}
        onChange={(e) => onChange(e.currentTarget.value)}
        placeholder={secretSet ? t('channels.setup.secretKept') : undefined}
        autoComplete="new-password"
      />
    );
  }
  if (input.type === 'boolean') {
    return <Switch {...common} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  }
  if (input.type === 'enum') {
    return (
      <Select
        {...common}
        data={input.options ?? []}
        value={text || null}
        onChange={(v) => onChange(v ?? '')}
        allowDeselect={!input.required}
        comboboxProps={{ withinPortal: true }}
      />
    );
  }
  if (input.type === 'number') {
    return (
      <NumberInput
        {...common}
        value={typeof value === 'number' ? value : text}
        onChange={onChange}
        min={input.min}
        max={input.max}
        allowDecimal={input.integer !== true}
        placeholder={input.default !== undefined ? t('channels.setup.defaultIs', { value: String(input.default) }) : undefined}
      />
    );
  }
  if (input.type === 'text') {
    return <Textarea {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} autosize minRows={2} maxRows={8} />;
  }
  return (
    <TextInput
      {...common}
      value={text}
      onChange={(e) => onChange(e.currentTarget.value)}
      placeholder={input.default !== undefined ? t('channels.setup.defaultIs', { value: String(input.default) }) : undefined}
    />
  );
}
