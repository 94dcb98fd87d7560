/** The REST API as the console uses it: same origin, the session cookie, JSON in and out. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'internal', json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}

export type Status = 'open' | 'pending' | 'snoozed' | 'resolved';
export type AgentStatus = 'online' | 'away' | 'offline';

export interface Me {
  role: 'agent' | 'supervisor' | 'admin';
  name: string;
  user: { id: string; name: string; email: string; signature: string | null } | null;
  workspace: { id: string; name: string };
}

export interface Conversation {
  id: string;
  contactId: string;
  channelAccountId: string;
  status: Status;
  priority: number;
  subject: string | null;
  language: string | null;
  region: string | null;
  teamId: string | null;
  assigneeId: string | null;
  tags: string[];
  lastMessageAt: string;
  routing: {
    channelKind: string | null;
    waitingSince: string | null;
    rule: string | null;
    explanation: Explanation | null;
    firstResponseDueAt: string | null;
    nextResponseDueAt: string | null;
    slaBreached: string[];
  };
}

/** The stored explanation of the latest routing decision (see docs/routing.md). */
export interface Explanation {
  rule?: string | null;
  agent?: string | null;
  agentName?: string | null;
  team?: string | null;
  teamName?: string | null;
  summary?: string;
  reasons?: Record<string, number>;
  [key: string]: unknown;
}

export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  inline: boolean;
}

export interface Message {
  id: string;
  conversationId: string;
  channelAccountId: string;
  direction: 'inbound' | 'outbound' | 'note';
  visibility: 'public' | 'private';
  authorType: string;
  text: string;
  html: string | null;
  deliveryState: string;
  failureReason: string | null;
  automated: string | null;
  attachments: Attachment[];
  createdAt: string;
}

export interface Contact {
  id: string;
  name: string | null;
  country: string | null;
  timezone: string | null;
  locale: string | null;
  signals: { followers?: number; verified?: boolean };
  identities: { kind: string; externalId: string; verified: boolean }[];
}

export interface Capabilities {
  visibilities: ('public' | 'private')[];
  maxTextLength: number | null;
  /** Limits that differ by visibility (a public post 280, a private message 10,000). */
  maxTextLengthByVisibility?: Partial<Record<'public' | 'private', number | null>>;
  splitLongText: boolean;
}

/** The limit a reply of this visibility has, as channel-kit's `textLimitFor` computes it on the server. */
export function textLimitFor(caps: Capabilities, visibility: 'public' | 'private'): number | null {
  const own = caps.maxTextLengthByVisibility?.[visibility];
  return own === undefined ? caps.maxTextLength : own;
}

/** An installed channel as `GET /channel-kinds` describes it: everything the console shows of it. */
export interface ChannelKind {
  kind: string;
  displayName: string;
  /** An inline SVG, shown as an image. */
  icon: string;
  fields: { name: string; label: string; help: string | null; secret: boolean }[];
  visibilityLabels: Record<'public' | 'private', string>;
  capabilities: Capabilities;
}

export type AccountState = 'connecting' | 'linking' | 'ready' | 'degraded' | 'out_of_credits' | 'logged_out';

export interface ChannelAccount {
  id: string;
  kind: string;
  name: string;
  active: boolean;
  settings: Record<string, unknown>;
  secrets: Record<string, 'set' | 'unset'>;
  webhookUrl: string;
  installed: boolean;
  /** This account's own capabilities (webhook or polling); null when its settings no longer parse. */
  capabilities: Capabilities | null;
  /** What its adapter last reported; null before the first report. */
  state: {
    state: AccountState;
    detail: string;
    data: Record<string, string | number | boolean | null> | null;
    changedAt: string;
    reportedAt: string;
  } | null;
}

/** An adapter's SVG icon as an image source: drawn as an image, it cannot run anything. */
export function iconSource(icon: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(icon)}`;
}

export interface Agent {
  id: string;
  name: string;
  role: string;
  routable: boolean;
  status: AgentStatus;
  capacity: { total: number; channels: Record<string, number> };
  load: { total: number; channels: Record<string, number> };
  teamIds: string[];
  schedule: unknown;
  timezone: string;
}

export interface Team {
  id: string;
  name: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Counts = Record<'open' | 'pending' | 'snoozed', { mine: number; unassigned: number; all: number }>;
