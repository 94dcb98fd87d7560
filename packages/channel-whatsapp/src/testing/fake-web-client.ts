import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { WebChatLike, WebClientEvents, WebClientLike, WebMedia, WebMessageLike } from '../web/types.ts';

/**
 * A stand-in for whatsapp-web.js's `Client`: the one documented exception to "real parts",
 * because WhatsApp Web cannot be reached from here. It models what the channel relies on: the
 * events (`qr`, `authenticated`, `ready`, `disconnected`, `change_state`, `message`,
 * `message_ack`), a session that can be initialised again after `destroy` (as each restart
 * builds a new client), chats whose history the replay reads back, the lid ↔ phone mapping, and
 * sends. A test drives it as WhatsApp and the phone would.
 */
export interface FakeWebClientOptions {
  /**
   * Every `initialize()` links and becomes ready by itself, as a stored session does (the
   * conformance suite's mode). Otherwise the test calls `showQr`, `authenticate`, `becomeReady`.
   */
  autoReady?: boolean;
  /** The linked account's id. @default '34600000000@c.us' */
  wid?: string;
  /** The clock messages are stamped with (ms). @default Date.now */
  now?: () => number;
}

/** A customer's message as the phone receives it. */
export interface FakeIncoming {
  /** `'<n>@lid'` or `'<phone digits>@c.us'` (a group `'<n>@g.us'` or `'status@broadcast'` to check they are ignored). */
  from: string;
  body?: string;
  /** The serialized id of the message it quotes. */
  quoted?: string;
  media?: { mimetype: string; content: Uint8Array; filename?: string; declaredSize?: number; unavailable?: boolean };
  notifyName?: string;
  /** The sender's phone (digits) when WhatsApp Web knows it: a lid sender's mapping. */
  phone?: string;
  /** The sender's lid when WhatsApp Web knows it: a phone sender's mapping. */
  lid?: string;
  /** @default 'chat', or 'image' with media */
  type?: string;
  /** Unix seconds. @default now */
  timestamp?: number;
}

export interface FakeSent {
  id: string;
  chatId: string;
  content: string;
  quotedMessageId?: string;
  media?: WebMedia;
}

type SessionState = 'closed' | 'open' | 'authenticated' | 'ready';

export class FakeWebClient extends EventEmitter<WebClientEvents> implements WebClientLike {
  /** Every message sent through the client, in order. */
  readonly sent: FakeSent[] = [];
  /** How many times `initialize()` and `destroy()` were called. */
  initializeCalls = 0;
  destroyCalls = 0;
  info: WebClientLike['info'] = null;

  private session: SessionState = 'closed';
  private offline = false;
  private hangs = 0;
  private initFailures: unknown[] = [];
  private sendFailures: unknown[] = [];
  private readonly chats = new Map<string, FakeMessage[]>();
  /** lid → phone digits, and phone digits → lid. */
  private readonly lids = new Map<string, string>();
  private readonly phones = new Map<string, string>();
  private wid: string;
  private readonly now: () => number;

  constructor(private readonly options: FakeWebClientOptions = {}) {
    super();
    this.wid = options.wid ?? '34600000000@c.us';
    this.now = options.now ?? Date.now;
  }

  /** A session is open (initialised and not destroyed or disconnected). */
  get live(): boolean {
    return this.session !== 'closed';
  }

  get ready(): boolean {
    return this.session === 'ready';
  }

  // --- WebClientLike -------------------------------------------------------------------------

  async initialize(): Promise<void> {
    this.initializeCalls += 1;
    const failure = this.initFailures.shift();
    if (failure !== undefined) throw failure;
    this.session = 'open';
    this.offline = false;
    if (this.options.autoReady) {
      setImmediate(() => {
        if (this.session !== 'open') return;
        this.authenticate();
        if (this.hangs > 0) this.hangs -= 1;
        else this.becomeReady();
      });
    }
  }

  async destroy(): Promise<void> {
    this.destroyCalls += 1;
    this.session = 'closed';
    this.info = null;
  }

  async logout(): Promise<void> {
    this.phoneLogsOut();
  }

  async getState(): Promise<string | null> {
    if (this.session === 'closed')
      throw new Error('Protocol error (Runtime.evaluate): Session closed. Most likely the page has been closed.');
    return this.offline ? 'TIMEOUT' : this.session === 'ready' ? 'CONNECTED' : 'OPENING';
  }

  async sendMessage(chatId: string, content: string, options: { quotedMessageId?: string; media?: WebMedia } = {}) {
    if (this.session !== 'ready') throw new Error('Protocol error (Runtime.callFunctionOn): Target closed');
    const failure = this.sendFailures.shift();
    if (failure !== undefined) throw failure;
    const id = `true_${chatId}_${hex()}`;
    this.sent.push({
      id,
      chatId,
      content,
      ...(options.quotedMessageId ? { quotedMessageId: options.quotedMessageId } : {}),
      ...(options.media ? { media: options.media } : {}),
    });
    const msg = new FakeMessage(this, {
      id,
      chatId,
      fromMe: true,
      body: content,
      type: options.media ? 'document' : 'chat',
      t: this.seconds(),
    });
    this.history(chatId).push(msg);
    return msg;
  }

  async getContactLidAndPhone(userIds: string[]): Promise<{ lid?: string; pn?: string }[]> {
    return userIds.map((id) => {
      if (id.endsWith('@lid')) {
        const phone = this.lids.get(id);
        return { lid: id, ...(phone ? { pn: `${phone}@c.us` } : {}) };
      }
      const lid = this.phones.get(id.split('@')[0] ?? '');
      return { pn: id, ...(lid ? { lid } : {}) };
    });
  }

  async getChats(): Promise<WebChatLike[]> {
    if (this.session !== 'ready') throw new Error('Evaluation failed: TypeError: window.WWebJS is undefined');
    return [...this.chats.entries()].map(([chatId, messages]) => ({
      id: { _serialized: chatId },
      isGroup: chatId.endsWith('@g.us'),
      timestamp: messages.at(-1)?.timestamp ?? 0,
      fetchMessages: async ({ limit }: { limit?: number }) => (limit && limit > 0 ? messages.slice(-limit) : [...messages]),
    }));
  }

  // --- What WhatsApp and the phone do ----------------------------------------------------------

  /** WhatsApp Web shows a code to link (again every 20 s or so in reality). */
  showQr(code = `2@${hex()},${hex()},${hex()},0`): void {
    this.emit('qr', code);
  }

  /** The phone scanned the code, or the stored session was accepted. */
  authenticate(): void {
    this.session = 'authenticated';
    this.emit('authenticated');
  }

  /** WhatsApp Web finished loading. */
  becomeReady(options: { wid?: string } = {}): void {
    if (options.wid) this.wid = options.wid;
    const [user = '', server = 'c.us'] = this.wid.split('@');
    this.info = { wid: { user, server, _serialized: this.wid }, pushname: 'Tienda' };
    this.session = 'ready';
    this.emit('ready');
  }

  /** The next `sessions` self-readying sessions authenticate but never become ready (as after some WhatsApp Web updates). */
  neverReady(sessions = Number.POSITIVE_INFINITY): void {
    this.hangs = sessions;
  }

  /** The next `times` calls of `initialize()` reject with `error` (Chromium missing, the node offline). */
  failInitialize(error: unknown = new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/'), times = 1): void {
    for (let i = 0; i < times; i++) this.initFailures.push(error);
  }

  /** The session drops (`NAVIGATION`, `CONFLICT`, `UNPAIRED`...); the library closes the page after it. */
  disconnect(reason = 'NAVIGATION'): void {
    if (this.session === 'closed') return;
    this.session = 'closed';
    this.emit('disconnected', reason);
  }

  /** The phone logs this device out (Linked devices > Log out). WhatsApp Web stays open and will show a new code. */
  phoneLogsOut(): void {
    if (this.session === 'closed') return;
    this.session = 'open';
    this.info = null;
    this.emit('disconnected', 'LOGOUT');
  }

  /** The phone loses its connection: WhatsApp Web's socket times out, and comes back with `phoneOnline`. */
  phoneOffline(): void {
    this.offline = true;
    this.emit('change_state', 'TIMEOUT');
  }

  phoneOnline(): void {
    this.offline = false;
    this.emit('change_state', 'CONNECTED');
  }

  /**
   * A customer writes. The message joins the chat's history (what the replay reads back); it is
   * also delivered as a `message` event when a session is ready, and waits in the history when not.
   */
  receive(incoming: FakeIncoming): FakeMessage {
    const sender = incoming.from;
    if (incoming.phone && sender.endsWith('@lid')) this.knowContact(sender, incoming.phone);
    if (incoming.lid && sender.endsWith('@c.us')) this.knowContact(incoming.lid, sender.split('@')[0] ?? '');
    const msg = new FakeMessage(this, {
      id: `false_${sender}_${hex()}`,
      chatId: sender,
      fromMe: false,
      body: incoming.body ?? '',
      type: incoming.type ?? (incoming.media ? 'image' : 'chat'),
      t: incoming.timestamp ?? this.seconds(),
      ...(incoming.notifyName ? { notifyName: incoming.notifyName } : {}),
      ...(incoming.quoted ? { quoted: incoming.quoted } : {}),
      ...(incoming.media ? { media: incoming.media } : {}),
    });
    this.history(sender).push(msg);
    if (this.session === 'ready') setImmediate(() => this.session === 'ready' && this.emit('message', msg));
    return msg;
  }

  /** WhatsApp Web learns that a lid and a phone (digits) are the same person. */
  knowContact(lid: string, phone: string): void {
    this.lids.set(lid, phone);
    this.phones.set(phone, lid);
  }

  /** WhatsApp reports a new delivery level for a message we sent (whatsapp-web.js `MessageAck`: 1 server, 2 device, 3 read, -1 error). */
  ack(id: string, level: number): void {
    const sent = this.sent.find((s) => s.id === id);
    const chatId = sent?.chatId ?? id.split('_')[1] ?? '';
    const msg = new FakeMessage(this, { id, chatId, fromMe: true, body: sent?.content ?? '', type: 'chat', t: this.seconds() });
    this.emit('message_ack', msg, level);
  }

  /** The next send rejects with `error`, as the library does when the page is gone or WhatsApp refuses the recipient. */
  failNextSend(error: unknown = new Error('Protocol error (Runtime.callFunctionOn): Target closed')): void {
    this.sendFailures.push(error);
  }

  /** A message by its serialized id, from any chat. */
  find(id: string): FakeMessage | undefined {
    for (const messages of this.chats.values()) {
      const m = messages.find((x) => x.id._serialized === id);
      if (m) return m;
    }
    return undefined;
  }

  private history(chatId: string): FakeMessage[] {
    let messages = this.chats.get(chatId);
    if (!messages) {
      messages = [];
      this.chats.set(chatId, messages);
    }
    return messages;
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

interface FakeMessageData {
  id: string;
  chatId: string;
  fromMe: boolean;
  body: string;
  type: string;
  t: number;
  notifyName?: string;
  quoted?: string;
  media?: FakeIncoming['media'];
}

/** A message with whatsapp-web.js `Message`'s shape (the fields and methods the channel reads). */
export class FakeMessage implements WebMessageLike {
  readonly id: WebMessageLike['id'];
  readonly from: string;
  readonly to: string;
  readonly fromMe: boolean;
  readonly body: string;
  readonly type: string;
  readonly timestamp: number;
  readonly hasMedia: boolean;
  readonly hasQuotedMsg: boolean;
  readonly isStatus: boolean;
  readonly _data: NonNullable<WebMessageLike['_data']>;

  constructor(
    private readonly client: FakeWebClient,
    private readonly data: FakeMessageData,
  ) {
    const own = client.info?.wid._serialized ?? '34600000000@c.us';
    this.id = { _serialized: data.id, fromMe: data.fromMe, remote: data.chatId, id: data.id.split('_').at(-1) ?? data.id };
    this.from = data.fromMe ? own : data.chatId;
    this.to = data.fromMe ? data.chatId : own;
    this.fromMe = data.fromMe;
    this.hasMedia = data.media !== undefined;
    // As the library: a media message's body is its caption.
    this.body = data.body;
    this.type = data.type;
    this.timestamp = data.t;
    this.hasQuotedMsg = data.quoted !== undefined;
    this.isStatus = data.chatId === 'status@broadcast';
    this._data = {
      ...(data.notifyName ? { notifyName: data.notifyName } : {}),
      ...(data.media ? { size: data.media.declaredSize ?? data.media.content.byteLength, mimetype: data.media.mimetype } : {}),
      ...(data.media?.filename ? { filename: data.media.filename } : {}),
    };
  }

  async downloadMedia(): Promise<WebMedia | undefined> {
    const media = this.data.media;
    if (!media || media.unavailable) return undefined;
    return {
      mimetype: media.mimetype,
      data: Buffer.from(media.content).toString('base64'),
      filename: media.filename ?? null,
      filesize: media.content.byteLength,
    };
  }

  async getQuotedMessage(): Promise<WebMessageLike | undefined> {
    const quoted = this.data.quoted;
    if (!quoted) return undefined;
    return (
      this.client.find(quoted) ??
      new FakeMessage(this.client, {
        id: quoted,
        chatId: this.data.chatId,
        fromMe: quoted.startsWith('true_'),
        body: '',
        type: 'chat',
        t: 0,
      })
    );
  }

  async getContact(): Promise<{ pushname?: string; name?: string }> {
    return this.data.notifyName ? { pushname: this.data.notifyName } : {};
  }
}

export function createFakeWebClient(options: FakeWebClientOptions = {}): FakeWebClient {
  return new FakeWebClient(options);
}

function hex(): string {
  return randomBytes(10).toString('hex').toUpperCase();
}
