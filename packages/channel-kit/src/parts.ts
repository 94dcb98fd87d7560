import type { OutboundMessage } from './contract.ts';

/**
 * Sends `parts` in order with `sendOne`, skipping the ones `message.sentParts` says an earlier
 * attempt delivered and reporting each new one through `message.onPartSent` before the next, so a
 * retry after a failure part-way never repeats a part (on channels without idempotency keys this
 * is the only protection). Returns every part's external id, in order.
 *
 * @example
 * const parts = message.allowSplit ? splitText(message.text, limit, measureText) : [message.text];
 * const externalIds = await sendParts(message, parts, (text) => api.post(text));
 */
export async function sendParts(
  message: Pick<OutboundMessage, 'sentParts' | 'onPartSent'>,
  parts: readonly string[],
  sendOne: (text: string, index: number) => Promise<string>,
): Promise<string[]> {
  const ids = (message.sentParts ?? []).slice(0, parts.length);
  for (let i = ids.length; i < parts.length; i++) {
    const id = await sendOne(parts[i] as string, i);
    await message.onPartSent?.(i, id);
    ids.push(id);
  }
  return ids;
}
