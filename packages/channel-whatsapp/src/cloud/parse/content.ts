import type { MediaRef } from './types.ts';

/** What one message type contributes to the event: the timeline text and its own extras. */
export interface Content {
  /** What the timeline shows, in English, never empty. */
  text: string;
  media?: MediaRef | null;
  /** Type-specific extras merged into the event's metadata. */
  metadata?: Record<string, unknown>;
  /** An earlier message this one points at beyond `context.id` (a reaction's target). */
  target?: string;
  /** Something the adapter should know but that does not stop the message (media without an id). */
  problem?: string;
}

/** Reads the object under the message's `type` key (`message.image` for an image). */
export type ContentReader = (body: unknown, message: Record<string, unknown>) => Content;
