import { type ChannelAdapter, type ChannelCapabilities, renderTemplate, type TemplateChoice, textLimitFor } from '@centralita/channel-kit';
import { CentralitaError, type Conversation } from '@centralita/core';
import type { ChannelAccountRecord, Database, NewAgentMessage } from '@centralita/db';
import type { Kysely } from 'kysely';
import type { TemplateCatalog } from './templates.ts';

// The parts of a reply beyond its text, checked before it is queued: what it quotes and which
// template it sends. Each refusal names its field, as the composer shows it.

function refuse(field: string, message: string): never {
  throw new CentralitaError('validation_failed', message, [{ field, message }]);
}

/**
 * The external id of the customer message a reply quotes: a message of this conversation, on its
 * account, that the customer sent, on a channel whose replies can quote.
 */
export async function quotedMessage(
  db: Kysely<Database>,
  where: { workspaceId: string; conversation: Conversation; kind: 'reply' | 'note'; adapter: ChannelAdapter | undefined },
  quoteMessageId: string,
): Promise<string> {
  const { adapter, conversation } = where;
  if (where.kind === 'reply' && adapter && !adapter.capabilities.quotes) {
    refuse('quoteMessageId', `quoteMessageId: ${adapter.displayName} replies cannot quote a message.`);
  }
  const quoted = await db
    .selectFrom('messages')
    .select(['external_id', 'direction'])
    .where('workspace_id', '=', where.workspaceId)
    .where('conversation_id', '=', conversation.id)
    .where('channel_account_id', '=', conversation.channelAccountId)
    .where('id', '=', quoteMessageId)
    .executeTakeFirst();
  if (where.kind !== 'reply' || !quoted || quoted.direction !== 'inbound' || !quoted.external_id) {
    refuse('quoteMessageId', 'quoteMessageId: a reply can quote only a customer message of this conversation.');
  }
  return quoted.external_id;
}

/**
 * The template a reply sends, checked against the account's list (approved, every parameter
 * filled as the provider allows), with the text the timeline shows and what the message keeps.
 */
export async function chosenTemplate(
  templates: TemplateCatalog,
  reply: {
    kind: 'reply' | 'note';
    account: ChannelAccountRecord | null | undefined;
    adapter: ChannelAdapter | undefined;
    attachmentIds?: readonly string[] | undefined;
  },
  choice: TemplateChoice,
): Promise<{ text: string; template: NonNullable<NewAgentMessage['template']> }> {
  if (reply.kind !== 'reply') refuse('template', 'template: a note cannot send a template.');
  if (!reply.account || !reply.adapter?.listTemplates) {
    refuse('template', `template: ${reply.adapter?.displayName ?? 'This channel'} has no message templates.`);
  }
  if ((reply.attachmentIds ?? []).length > 0) {
    refuse('attachmentIds', 'attachmentIds: a template carries no files; send them in a reply of their own.');
  }
  const chosen = await templates.resolve(reply.account, choice);
  return {
    text: renderTemplate(chosen, choice.parameters),
    template: { name: choice.name, language: choice.language, parameters: choice.parameters, category: chosen.category },
  };
}

/**
 * A reply the account can deliver as it is: within its own limit, measured its own way (so no
 * reply is cut or refused at send time), and with files only where the channel delivers them.
 * Notes stay inside Centralita, so they are not checked here.
 */
export function checkReplyFits(
  adapter: ChannelAdapter,
  caps: ChannelCapabilities,
  reply: { visibility: 'public' | 'private'; text: string; allowSplit?: boolean | undefined; files: readonly string[] },
): void {
  const limit = textLimitFor(caps, reply.visibility);
  if (limit !== null) {
    const length = adapter.measureText(reply.text);
    if (length > limit && !(caps.splitLongText && reply.allowSplit === true)) {
      throw new CentralitaError(
        'validation_failed',
        caps.splitLongText
          ? `${adapter.displayName} takes ${limit} characters; this reply has ${length}. Shorten it or allow splitting it into parts.`
          : `${adapter.displayName} takes ${limit} characters; this reply has ${length}. Shorten it.`,
      );
    }
  }
  if (reply.files.length > 0 && !caps.attachments) {
    refuse(
      'attachmentIds',
      `attachmentIds: ${adapter.displayName} replies cannot carry files. Send the reply without them, or add them to a note.`,
    );
  }
}
