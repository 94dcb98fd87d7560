import { useCallback, useEffect, useState } from 'react';
import { type Agent, type AgentStatus, api, type Team } from './api.ts';
import { useT } from './i18n.tsx';
import { Rules } from './Rules.tsx';
import { StatusSelect } from './StatusSelect.tsx';

interface Queue {
  teamId: string | null;
  waiting: number;
  oldestSince: string | null;
  atRisk: number;
}

/** Live queues, agents with their status, shift and load (status changeable), and the rule set. */
export function Supervisor({ tick }: { tick: number }) {
  const { t } = useT();
  const [queues, setQueues] = useState<Queue[]>([]);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [now, setNow] = useState(Date.now());
  const load = useCallback(async () => {
    const [q, a, tm] = await Promise.all([
      api<{ items: Queue[] }>('GET', '/routing/queues'),
      api<{ items: Agent[] }>('GET', '/agents'),
      api<{ items: Team[] }>('GET', '/teams'),
    ]);
    setQueues(q.items);
    setAgents(a.items.filter((x) => x.routable));
    setTeams(tm.items);
  }, []);
  // A live tick (any conversation or agent change) reloads the figures; a burst of them, once.
  useEffect(() => {
    const timer = setTimeout(() => void load(), tick === 0 ? 0 : 300);
    return () => clearTimeout(timer);
  }, [load, tick]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const teamName = (id: string | null) => (id ? (teams.find((x) => x.id === id)?.name ?? id) : t('noTeam'));
  const setStatus = async (id: string, status: AgentStatus) => {
    await api('PATCH', `/agents/${id}`, { status });
    await load();
  };
  return (
    <div className="supervisor">
      <section aria-labelledby="queues-h">
        <h2 id="queues-h">{t('queues')}</h2>
        <table data-testid="queues">
          <thead>
            <tr>
              <th scope="col">{t('team')}</th>
              <th scope="col">{t('waiting')}</th>
              <th scope="col">{t('oldestWait')}</th>
              <th scope="col">{t('atRisk')}</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <tr key={q.teamId ?? 'none'} data-testid="queue-row">
                <td>{teamName(q.teamId)}</td>
                <td data-testid="queue-waiting">{q.waiting}</td>
                <td>
                  {q.oldestSince ? `${Math.max(0, Math.round((now - new Date(q.oldestSince).getTime()) / 60_000))} ${t('minutes')}` : '—'}
                </td>
                <td className={q.atRisk > 0 ? 'breach' : ''}>{q.atRisk}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="agents-h">
        <h2 id="agents-h">{t('agents')}</h2>
        <table data-testid="agents">
          <thead>
            <tr>
              <th scope="col">{t('agents')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('shift')}</th>
              <th scope="col">{t('load')}</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.id} data-testid={`agent-${a.name}`}>
                <td>{a.name}</td>
                <td>
                  <StatusSelect label={`${t('status')} ${a.name}`} value={a.status} onChange={(st) => void setStatus(a.id, st)} />
                </td>
                <td>{a.schedule ? a.timezone : '24/7'}</td>
                <td>
                  <meter min={0} max={Math.max(1, a.capacity.total)} value={a.load.total} aria-label={`${t('load')} ${a.name}`} />{' '}
                  {a.load.total}/{a.capacity.total}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Rules />
    </div>
  );
}
