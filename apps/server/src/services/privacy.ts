import { CentralitaError, type MessageReceivedEvent, SYSTEM_ACTOR } from '@centralita/core';
import {
  appendEvents,
  type Database,
  getPrivacySettings,
  type IngestItem,
  type IngestResult,
  type WorkspacePrivacySettings,
} from '@centralita/db';
import { type CustomPattern, type PiiFinding, type PiiType, type ScanOptions, scanText } from '@centralita/privacy';
import type { Kysely, Transaction } from 'kysely';
import type { AppLogger } from '../logger.ts';
import { type FindingSpan, readPii, type StoredPii, toSpans } from './privacy-view.ts';

export type { WorkspacePrivacySettings } from '@centralita/db';

/** What the guard needs of the node. */
export interface PrivacyDeps {
  db: Kysely<Database>;
  logger: AppLogger;
}

/** How a type is named in a sentence ("This public reply contains an IBAN"). */
const NAMES: Record<PiiType, string> = {
  dni: 'a DNI',
  nie: 'an NIE',
  nif: 'a NIF',
  iban: 'an IBAN',
  card: 'a payment card number',
  phone: 'a phone number',
  email: 'an email address',
  ssn_es: 'a social security number',
  iccid: 'a SIM card number (ICCID)',
  imei: 'an IMEI',
  custom: 'one of your own identifiers',
};

/** "an IBAN", "an IBAN and a phone number", "a DNI, an IBAN and a phone number". */
export function describeFindings(findings: readonly Pick<PiiFinding, 'type' | 'label'>[]): string {
  const names = [...new Set(findings.map((f) => (f.type === 'custom' && f.label ? `a ${f.label}` : NAMES[f.type])))];
  if (names.length <= 1) return names[0] ?? 'personal data';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The privacy guard in the server: scans inbound public messages before they are stored, keeps
 * the findings with them, records a `message.pii_detected` event, and refuses public replies that
 * would publish personal data. Reading stays in `privacy-view.ts`.
 */
export class PrivacyGuard {
  constructor(private readonly deps: PrivacyDeps) {}

  /** The workspace's country and custom patterns (defaults when none were saved). */
  settings(workspaceId: string): Promise<WorkspacePrivacySettings> {
    return getPrivacySettings(this.deps.db, workspaceId);
  }

  /**
   * Scans `text` with a workspace's settings. Stored settings the detectors refuse (they were
   * validated when saved, but the detectors' rules may tighten later) are logged and replaced by
   * the detectors' defaults, so a bad setting never stops messages from being stored or read; a
   * country the caller passed itself is theirs to fix, and its error is thrown.
   */
  scan(text: string, settings: WorkspacePrivacySettings, options: Pick<ScanOptions, 'country' | 'language'> = {}): PiiFinding[] {
    const language = options.language ? { language: options.language } : {};
    const country = { country: options.country ?? settings.country };
    const custom = settings.customPatterns.length > 0 ? { customPatterns: settings.customPatterns as CustomPattern[] } : null;
    const attempts: ScanOptions[] = [
      ...(custom ? [{ ...country, ...language, ...custom }] : []),
      { ...country, ...language },
      ...(options.country ? [] : [language]),
    ];
    for (const [i, attempt] of attempts.entries()) {
      try {
        return scanText(text, attempt);
      } catch (err) {
        if (i === attempts.length - 1) throw err;
        this.deps.logger.warn(
          { error: err instanceof Error ? err.message : String(err) },
          "the detectors refused the workspace's privacy settings; scanned without the refused part",
        );
      }
    }
    return [];
  }

  /** A scanner bound to one workspace's settings, for a read path that masks many strings. */
  async scannerFor(workspaceId: string): Promise<(text: string) => PiiFinding[]> {
    const settings = await this.settings(workspaceId);
    return (text) => this.scan(text, settings);
  }

  /**
   * Scans the public messages of an inbound batch and returns the items with what was found in
   * `event.metadata.pii` (so the ingest stores it with the message, untouched). Private messages
   * (DMs, email, the web page) are not scanned: that is where a customer is asked to give the
   * data. A batch with no public message costs no query.
   */
  async annotate(workspaceId: string, items: readonly IngestItem[]): Promise<IngestItem[]> {
    if (!items.some((i) => isPublicMessage(i.event))) return [...items];
    const settings = await this.settings(workspaceId);
    return items.map((item) => {
      const pii = isPublicMessage(item.event) ? this.#scanEvent(item.event, settings) : null;
      return pii ? { ...item, event: { ...item.event, metadata: { ...item.event.metadata, pii } } } : item;
    });
  }

  #scanEvent(event: MessageReceivedEvent, settings: WorkspacePrivacySettings): StoredPii | null {
    const findings = toSpans(this.scan(event.text, settings));
    const fullText = typeof event.fullText === 'string' ? toSpans(this.scan(event.fullText, settings)) : undefined;
    const subject = typeof event.subject === 'string' ? toSpans(this.scan(event.subject, settings)) : undefined;
    const all: FindingSpan[] = [...findings, ...(fullText ?? []), ...(subject ?? [])];
    if (all.length === 0) return null;
    return {
      types: [...new Set(all.map((f) => f.type))],
      findings,
      ...(fullText ? { fullText } : {}),
      ...(subject ? { subject } : {}),
    };
  }

  /**
   * Inside the ingest transaction: a `message.pii_detected` event {messageId, types} on the
   * conversation of each newly stored message the guard found something in. The event names the
   * types only, never the data.
   */
  async recordDetections(
    trx: Transaction<Database>,
    workspaceId: string,
    items: readonly IngestItem[],
    stored: readonly { index: number; outcome: IngestResult }[],
  ): Promise<void> {
    const events = stored.flatMap(({ index, outcome }) => {
      const pii = outcome.duplicate ? null : readPii(items[index]?.event.metadata?.pii);
      return pii
        ? [
            {
              workspaceId,
              conversationId: outcome.conversationId,
              type: 'message.pii_detected' as const,
              actor: SYSTEM_ACTOR,
              data: { messageId: outcome.messageId, types: pii.types },
            },
          ]
        : [];
    });
    await appendEvents(trx, events);
  }

  /** The workspace's own public addresses and numbers: its mailboxes' and business numbers' (channel settings, never secrets). */
  async #ownContactDetails(workspaceId: string): Promise<Set<string>> {
    const rows = await this.deps.db.selectFrom('channel_accounts').select('settings').where('workspace_id', '=', workspaceId).execute();
    const own = new Set<string>();
    for (const r of rows) {
      const settings = (r.settings ?? {}) as Record<string, unknown>;
      for (const key of ['address', 'businessPhone', 'fromAddress']) {
        const v = settings[key];
        if (typeof v === 'string' && v.trim()) own.add(contactKey(v));
      }
    }
    return own;
  }

  /**
   * Refuses a public reply whose text holds personal data, before anything is stored or queued:
   * 422 naming what was found and what to do instead, with the findings in `details`. Private
   * replies (DM, email, the web page) go through: they are where such data belongs.
   */
  async checkReply(workspaceId: string, reply: { visibility: 'public' | 'private'; text: string }): Promise<void> {
    if (reply.visibility !== 'public' || reply.text.trim() === '') return;
    const own = await this.#ownContactDetails(workspaceId);
    // The brand's own address or number in a public reply ("write to us at…") leaks nobody's data.
    const findings = this.scan(reply.text, await this.settings(workspaceId)).filter(
      (f) => !((f.type === 'email' || f.type === 'phone') && own.has(contactKey(reply.text.slice(f.start, f.end)))),
    );
    if (findings.length === 0) return;
    throw new CentralitaError(
      'validation_failed',
      `This public reply contains ${describeFindings(findings)}; send it privately (DM, email) or remove it.`,
      { findings: toSpans(findings) },
    );
  }
}

/** An email address or a phone number as the brand's own are compared: lowercase, or its last nine digits. */
function contactKey(value: string): string {
  const digits = value.replace(/\D/g, '');
  return value.includes('@') ? value.trim().toLowerCase() : digits.slice(-9);
}

function isPublicMessage(event: IngestItem['event'] | undefined): event is MessageReceivedEvent {
  return event?.type === 'message.received' && event.visibility === 'public' && typeof event.text === 'string';
}
