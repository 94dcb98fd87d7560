import type { Me } from '../api/types.ts';
import { useT } from '../i18n/index.tsx';
import { useAttentionAlerts, useTabTitle } from './alerts.ts';
import './own.ts';

/** The tab title and the alerts, for the whole signed-in console (mounted inside LiveProvider). */
export function Attention({ me }: { me: Me }) {
  const { t } = useT();
  useTabTitle(t('app.name'));
  useAttentionAlerts(me.user?.id ?? null);
  return null;
}
