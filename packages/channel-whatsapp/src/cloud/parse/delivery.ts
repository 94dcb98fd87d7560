import { cleanJson } from './clean-json.ts';
import { type ChangeContext, readMessage } from './message.ts';
import { capText, id, isRecord, kindOf, list, num, obj, own, str } from './read.ts';
import { ContactIndex } from './sender.ts';
import { readStatus } from './status.ts';
import type { ParsedDelivery, ParsedItem, ParseOptions } from './types.ts';

/** Meta batches up to about a hundred events; a thousand is not a delivery, and the rest waits for a retry. */
export const MAX_ITEMS_PER_DELIVERY = 1_000;

/** Problems listed one by one; past this, one line counts the rest. */
export const MAX_PROBLEMS = 100;

/** Collects items and problems within their caps. */
class Collector {
  readonly items: ParsedItem[] = [];
  private readonly problems: string[] = [];
  private dropped = 0;
  private full = false;

  problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(capText(text, 1_000));
    else this.dropped += 1;
  }

  /** Adds an item; false once the delivery is full (the first refusal says so, at its path). */
  add(item: ParsedItem, at: string): boolean {
    if (this.items.length < MAX_ITEMS_PER_DELIVERY) {
      this.items.push(item);
      return true;
    }
    if (!this.full)
      this.problem(`${at}: the delivery holds more than ${MAX_ITEMS_PER_DELIVERY} items; this one and the rest were not read`);
    this.full = true;
    return false;
  }

  get isFull(): boolean {
    return this.full;
  }

  result(): ParsedDelivery {
    const problems = [...this.problems];
    if (this.dropped > 0) problems.push(`${this.dropped} more problems were not listed`);
    return { items: this.items, problems };
  }
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `value.errors[]`: Meta's own errors about the webhook (not about one message), reported as problems. */
function valueErrors(value: unknown, at: string, out: Collector): void {
  for (const [k, error] of list(value, 'errors').slice(0, 10).entries()) {
    const code = num(error, 'code');
    const title = str(error, 'title', 300) ?? str(error, 'message', 300) ?? 'no title';
    const details = str(obj(error, 'error_data'), 'details', 500);
    out.problem(`${at}.errors[${k}]: WhatsApp reported error ${code ?? '(no code)'} ${title}${details ? `: ${details}` : ''}`);
  }
}

/** A change of the `messages` field: its messages, then its statuses. */
function readMessagesChange(value: unknown, at: string, now: Date, out: Collector): void {
  if (!isRecord(value)) {
    out.problem(`${at}: is ${kindOf(value)}, not an object`);
    return;
  }
  const messages = own(value, 'messages');
  const statuses = own(value, 'statuses');
  for (const [key, v] of [
    ['messages', messages],
    ['statuses', statuses],
  ] as const) {
    if (v !== undefined && !Array.isArray(v)) out.problem(`${at}.${key}: is ${kindOf(v)}, not a list`);
  }
  const messageList = Array.isArray(messages) ? messages : [];
  const statusList = Array.isArray(statuses) ? statuses : [];
  valueErrors(value, at, out);
  if (messages === undefined && statuses === undefined) {
    // Neither messages nor statuses: some other event Meta put on this field; passed on as it is.
    if (own(value, 'errors') === undefined) out.add({ kind: 'notice', field: 'messages', value: cleanJson(value) }, at);
    return;
  }
  if (messageList.length === 0 && statusList.length === 0) return;
  const metadata = obj(value, 'metadata');
  const phoneNumberId = id(metadata, 'phone_number_id');
  if (!phoneNumberId) {
    out.problem(
      `${at}.metadata.phone_number_id: ${own(metadata, 'phone_number_id') === undefined ? 'missing' : 'is not a usable id'}; ` +
        `its ${count(messageList.length, 'message')} and ${count(statusList.length, 'status', 'statuses')} were not read`,
    );
    return;
  }
  const change: ChangeContext = {
    phoneNumberId,
    displayPhoneNumber: str(metadata, 'display_phone_number', 40) ?? '',
    contacts: new ContactIndex(value),
    now,
  };
  for (const [k, raw] of messageList.entries()) {
    const where = `${at}.messages[${k}]`;
    const result = readMessage(raw, where, change);
    if (result.problem) out.problem(result.problem);
    if (result.note) out.problem(result.note);
    if (result.item && !out.add(result.item, where)) return;
  }
  for (const [k, raw] of statusList.entries()) {
    const where = `${at}.statuses[${k}]`;
    const result = readStatus(raw, where, change);
    if (result.problem) out.problem(result.problem);
    if (result.item && !out.add(result.item, where)) return;
  }
}

/**
 * A Cloud API webhook delivery (`{ object: 'whatsapp_business_account', entry: [...] }`) as
 * items in the order Meta sent them: customers' messages, statuses of ours, and changes of other
 * fields as notices. What cannot be read is listed in `problems` with its path; one bad message
 * never costs the others. Never throws, whatever the body.
 */
export function parseDelivery(body: unknown, options: ParseOptions): ParsedDelivery {
  const out = new Collector();
  if (!isRecord(body)) {
    out.problem(`body: is ${kindOf(body)}, not a webhook delivery object`);
    return out.result();
  }
  const object = own(body, 'object');
  if (object !== 'whatsapp_business_account') {
    const shown = typeof object === 'string' ? `"${capText(object, 100)}"` : kindOf(object);
    out.problem(`object: is ${shown}, not "whatsapp_business_account"`);
    return out.result();
  }
  const entries = own(body, 'entry');
  if (!Array.isArray(entries)) {
    out.problem(`entry: is ${kindOf(entries)}, not a list`);
    return out.result();
  }
  for (const [i, entry] of entries.entries()) {
    if (out.isFull) break;
    if (!isRecord(entry)) {
      out.problem(`entry[${i}]: is ${kindOf(entry)}, not an object`);
      continue;
    }
    const changes = own(entry, 'changes');
    if (!Array.isArray(changes)) {
      out.problem(`entry[${i}].changes: is ${kindOf(changes)}, not a list`);
      continue;
    }
    for (const [j, change] of changes.entries()) {
      if (out.isFull) break;
      const at = `entry[${i}].changes[${j}]`;
      if (!isRecord(change)) {
        out.problem(`${at}: is ${kindOf(change)}, not an object`);
        continue;
      }
      const value = own(change, 'value');
      const field = str(change, 'field', 100);
      if (field === 'messages' || (field === undefined && (own(value, 'messages') ?? own(value, 'statuses')) !== undefined)) {
        readMessagesChange(value, `${at}.value`, options.now, out);
      } else if (field !== undefined) {
        out.add({ kind: 'notice', field, value: cleanJson(value) }, at);
      } else {
        const raw = own(change, 'field');
        out.problem(`${at}.field: ${raw === undefined ? 'missing' : `is ${kindOf(raw)}, not a field name`}; the change was not read`);
      }
    }
  }
  return out.result();
}
