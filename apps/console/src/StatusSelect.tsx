import type { AgentStatus } from './api.ts';
import { useT } from './i18n.tsx';

/** An agent's status picker: the agent's own in the top bar, anyone's in the supervisor's table. */
export function StatusSelect({ value, onChange, label }: { value: AgentStatus; onChange: (s: AgentStatus) => void; label?: string }) {
  const { t } = useT();
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as AgentStatus)}>
      {(['online', 'away', 'offline'] as const).map((s) => (
        <option key={s} value={s}>
          {t(s)}
        </option>
      ))}
    </select>
  );
}
