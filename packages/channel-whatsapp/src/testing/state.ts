import { createHash, randomBytes } from 'node:crypto';
import { phoneCountry, toE164 } from '@centralita/channel-kit';
import type { GraphTemplate } from '../cloud/graph-templates.ts';

/** A business phone number of the peer's WhatsApp Business account. */
export interface PeerPhoneNumber {
  id: string;
  /** As Meta formats it: `+34 910 00 00 00`. */
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
}

/**
 * A WhatsApp user the peer knows, by BSUID always and by phone when the user shares it. Inbound
 * builders register users; sends to an unknown phone invent a stable BSUID for it, as Meta has one.
 */
export interface PeerUser {
  bsuid: string;
  /** E.164. */
  phone?: string;
  name?: string;
  username?: string;
  parentBsuid?: string;
}

/** Who a send or a status is about, as far as the caller knows. */
export interface PeerUserInput {
  bsuid: string;
  /** E.164 or WhatsApp's digits. */
  phone?: string;
  name?: string;
  username?: string;
  parentBsuid?: string;
}

/** A message the peer accepted on `POST /{phone-number-id}/messages`. */
export interface SentMessage {
  messageId: string;
  phoneNumberId: string;
  /** The user it went to, as the peer resolved the address. */
  to: PeerUser;
  /** How the request addressed the user. */
  addressedBy: 'phone' | 'bsuid';
  /** Which field carried the address. */
  field: 'to' | 'recipient';
  type: string;
  /** The parsed JSON body, as sent. */
  body: Record<string, unknown>;
  /** What Meta would bill it as: the template's category, or `service` for free-form replies. */
  category: 'service' | 'utility' | 'marketing' | 'authentication';
  at: Date;
}

/** A read receipt the peer accepted. */
export interface ReadReceipt {
  phoneNumberId: string;
  messageId: string;
  at: Date;
}

export interface StoredMedia {
  id: string;
  bytes: Buffer;
  mimeType: string;
  filename?: string;
  sha256Hex: string;
  /** The hash the peer advertises; differs from the bytes' when a test wants a mismatch. */
  advertisedSha256Hex: string;
  /** Serve without content-length (chunked), so a size cap cannot be decided up front. */
  chunked: boolean;
  /** `upload` when it came through `POST /{phone}/media`; `customer` from `addMedia`. */
  origin: 'upload' | 'customer';
}

/** One subscription made through `POST /{waba-id}/subscribed_apps`. */
export interface SubscribedApp {
  wabaId: string;
  callbackUrl: string | null;
  verifyToken: string | null;
  at: Date;
}

/** One request the peer answered. Status 0 when the peer cut the connection. */
export interface PeerRequestLog {
  method: string;
  path: string;
  route: PeerRoute | null;
  status: number;
}

/** The endpoint families a fault can target. */
export type PeerRoute = 'messages' | 'media_upload' | 'media' | 'download' | 'templates' | 'phone_number' | 'subscribed_apps';

const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/;

export function isBsuid(value: string): boolean {
  return BSUID.test(value);
}

/** A Meta-like message id: `wamid.` and base64 (which may hold '+', '/' and '='). */
export function wamid(): string {
  return `wamid.HBgL${randomBytes(30).toString('base64')}`;
}

/** A numeric Graph object id (media, templates): 15 to 16 digits. */
export function graphId(): string {
  return `${1 + Math.floor(Math.random() * 8)}${Array.from({ length: 15 }, () => Math.floor(Math.random() * 10)).join('')}`;
}

export class PeerState {
  readonly users = new Map<string, PeerUser>();
  readonly byPhone = new Map<string, string>();
  readonly media = new Map<string, StoredMedia>();
  readonly sent: SentMessage[] = [];
  /** The wamids of messages customers sent (read receipts must name one). */
  readonly inboundIds = new Set<string>();
  readonly readReceipts: ReadReceipt[] = [];
  readonly subscribedApps: SubscribedApp[] = [];
  readonly requests: PeerRequestLog[] = [];

  constructor(
    readonly phoneNumbers: PeerPhoneNumber[],
    readonly templates: GraphTemplate[],
    readonly now: () => Date,
  ) {}

  phoneNumber(id: string): PeerPhoneNumber | undefined {
    return this.phoneNumbers.find((p) => p.id === id);
  }

  /** Registers a user, or completes the one already known by that BSUID (a phone arriving later). */
  upsertUser(input: PeerUserInput): PeerUser {
    const phone = input.phone ? (toE164(input.phone) ?? undefined) : undefined;
    if (input.phone && !phone) throw new Error(`WhatsApp test peer: not a phone number: ${input.phone}`);
    const known = this.users.get(input.bsuid);
    const user: PeerUser = { ...known, bsuid: input.bsuid };
    if (phone) user.phone = phone;
    if (input.name !== undefined) user.name = input.name;
    if (input.username !== undefined) user.username = input.username;
    if (input.parentBsuid !== undefined) user.parentBsuid = input.parentBsuid;
    this.users.set(user.bsuid, user);
    if (user.phone) this.byPhone.set(user.phone, user.bsuid);
    return user;
  }

  /** The user behind a phone; one Meta has never shown us gets a BSUID derived from the number. */
  userByPhone(e164: string): PeerUser {
    const bsuid = this.byPhone.get(e164);
    const known = bsuid ? this.users.get(bsuid) : undefined;
    if (known) return known;
    const country = phoneCountry(e164) ?? 'ZZ';
    const digits = BigInt(`0x${createHash('sha256').update(e164).digest('hex').slice(0, 16)}`).toString();
    return this.upsertUser({ bsuid: `${country}.${digits}`, phone: e164 });
  }

  userByBsuid(bsuid: string): PeerUser {
    return this.users.get(bsuid) ?? this.upsertUser({ bsuid });
  }
}
