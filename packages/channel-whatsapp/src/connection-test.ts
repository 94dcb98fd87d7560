import { access, constants } from 'node:fs/promises';
import type { ConnectionCheck, ConnectionReport } from '@centralita/channel-kit';
import { graphFor } from './cloud/connection.ts';
import { GraphError } from './cloud/graph-errors.ts';
import type { WhatsAppConfig } from './config.ts';

/**
 * Tries an account's settings step by step without sending anything: for the Cloud API, that the
 * Graph API answers, the token reaches the business number (and which it is) and the templates
 * can be listed; for WhatsApp Web, that Chromium is where the settings say (linking needs a phone
 * and is done on the account page).
 */
export async function testConnection(config: WhatsAppConfig): Promise<ConnectionReport> {
  const checks: ConnectionCheck[] = [];
  if (config.mode === 'web') {
    try {
      await access(config.chromiumPath, constants.X_OK);
      checks.push({ name: 'chromium', ok: true, detail: `${config.chromiumPath} is there and can be run.` });
    } catch {
      checks.push({
        name: 'chromium',
        ok: false,
        detail: `${config.chromiumPath} is missing or cannot be run; install Chromium (apt install chromium).`,
      });
    }
    return { ok: checks.every((c) => c.ok), checks };
  }
  const graph = graphFor(config);
  try {
    const number = await graph.getPhoneNumber(config.phoneNumberId ?? '');
    checks.push({ name: 'api', ok: true, detail: `${config.graphUrl} answered.` });
    checks.push({
      name: 'phone number',
      ok: true,
      detail: `The token reaches ${number.displayPhoneNumber} (${number.verifiedName}), quality ${number.qualityRating.toLowerCase()}.`,
    });
  } catch (err) {
    if (err instanceof GraphError && err.httpStatus !== null) {
      checks.push({ name: 'api', ok: true, detail: `${config.graphUrl} answered.` });
      checks.push({ name: 'phone number', ok: false, detail: explain(err) });
    } else {
      checks.push({
        name: 'api',
        ok: false,
        detail: `${config.graphUrl} could not be reached: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  if (config.businessAccountId && checks.every((c) => c.ok)) {
    try {
      const templates = await graph.listTemplates(config.businessAccountId);
      const approved = templates.filter((t) => t.status === 'approved').length;
      const unsupported = templates.filter((t) => t.status === 'unsupported').length;
      const more = unsupported > 0 ? ` (${unsupported} more need a media header or button parameters Centralita cannot send yet)` : '';
      checks.push({ name: 'templates', ok: true, detail: `${approved} approved template(s) of ${templates.length}${more}.` });
    } catch (err) {
      checks.push({ name: 'templates', ok: false, detail: err instanceof GraphError ? explain(err) : String(err) });
    }
  } else if (!config.businessAccountId) {
    checks.push({
      name: 'templates',
      ok: false,
      detail: 'No WhatsApp Business Account id: templates cannot be listed, so nothing can be sent outside the 24-hour window.',
    });
  }
  return { ok: checks.every((c) => c.ok), checks };
}

function explain(err: GraphError): string {
  if (err.kind === 'unauthorized')
    return 'Meta refused the access token (190): it is expired, revoked or lacks whatsapp_business_messaging.';
  return `Meta answered ${err.httpStatus} (${err.code ?? 'no code'}): ${err.details ?? err.message}`.slice(0, 400);
}
