import type { InboundSender } from '@centralita/core';
import { z } from 'zod';
import { countryFromLocation, regionFromLocation } from '../gazetteer.ts';
import { cleanField } from './text.ts';

/** The X account a channel account speaks for: its numeric id and its @handle (without the @). */
export interface Brand {
  id: string;
  username: string;
}

/** X user and post ids: decimal snowflakes, at most 20 digits (an unsigned 64-bit number). */
export const xId = z.string().regex(/^\d{1,20}$/, { error: 'must be a numeric X id' });

/** An X handle as X allows it; anything else is not used in links or display names. */
const HANDLE = /^[A-Za-z0-9_]{1,50}$/;

/** What we know about an X user from whichever payload named them. */
export interface XProfile {
  id: string;
  username?: string;
  name?: string;
  followers?: number;
  verified?: boolean;
  location?: string;
  /** Whether the brand may open a DM with this person (v2 `receives_your_dm`). */
  acceptsDms?: boolean;
}

// Profile fields are decoration: a wrong type drops that field, never the customer's message.
const optionalText = z.string().optional().catch(undefined);
const optionalCount = z.number().int().nonnegative().optional().catch(undefined);
const optionalFlag = z.boolean().optional().catch(undefined);

/** A v2 user object (includes.users, the Activity API's `users` map entries under `data`). */
const v2User = z.object({
  id: xId,
  username: optionalText,
  name: optionalText,
  location: optionalText,
  verified: optionalFlag,
  receives_your_dm: optionalFlag,
  public_metrics: z.object({ followers_count: optionalCount }).optional().catch(undefined),
});

/** A v1.1 user object (the Account Activity API's tweets and `users` map). */
const v1User = z.object({
  id_str: xId.optional().catch(undefined),
  id: z.union([xId, z.number().int().nonnegative()]).optional().catch(undefined),
  screen_name: optionalText,
  name: optionalText,
  location: optionalText.nullable().catch(undefined),
  verified: optionalFlag,
  followers_count: optionalCount,
});

interface RawProfile {
  id: string;
  username?: string;
  name?: string;
  location?: string | null;
  followers?: number;
  verified?: boolean;
  acceptsDms?: boolean;
}

function profile(p: RawProfile): XProfile {
  const username = p.username !== undefined && HANDLE.test(p.username) ? p.username : undefined;
  const name = cleanField(p.name);
  const location = cleanField(p.location);
  return {
    id: p.id,
    ...(username ? { username } : {}),
    ...(name ? { name } : {}),
    ...(p.followers !== undefined ? { followers: p.followers } : {}),
    ...(p.verified !== undefined ? { verified: p.verified } : {}),
    ...(location ? { location } : {}),
    ...(p.acceptsDms !== undefined ? { acceptsDms: p.acceptsDms } : {}),
  };
}

/**
 * A profile from any of X's user shapes: v2 (`username`, `public_metrics`), the Activity API's
 * `{ data: v2 user }` wrapper, or v1.1 (`id_str`, `screen_name`, `followers_count`). Null when the
 * value is none of them.
 */
export function readUser(raw: unknown): XProfile | null {
  const value = isRecord(raw) && isRecord(raw.data) && !('id' in raw) ? raw.data : raw;
  if (isRecord(value) && ('screen_name' in value || 'id_str' in value)) {
    const v1 = v1User.safeParse(value);
    if (!v1.success) return null;
    const id = v1.data.id_str ?? (typeof v1.data.id === 'string' ? v1.data.id : undefined);
    if (!id) return null;
    return profile({
      id,
      username: v1.data.screen_name,
      name: v1.data.name,
      location: v1.data.location,
      followers: v1.data.followers_count,
      verified: v1.data.verified,
    });
  }
  const v2 = v2User.safeParse(value);
  if (!v2.success) return null;
  return profile({
    id: v2.data.id,
    username: v2.data.username,
    name: v2.data.name,
    location: v2.data.location,
    followers: v2.data.public_metrics?.followers_count,
    verified: v2.data.verified,
    acceptsDms: v2.data.receives_your_dm,
  });
}

/** How many users one payload may name; X sends a handful. */
const MAX_USERS = 1_000;

/**
 * The users of a payload by id, from an array (`includes.users`) or an id-keyed map (`users`).
 * Entries that are not users are left out; a Map, so no key ("__proto__") can reach a prototype.
 */
export function usersById(raw: unknown): Map<string, XProfile> {
  const out = new Map<string, XProfile>();
  const values = Array.isArray(raw) ? raw : isRecord(raw) ? Object.values(raw) : [];
  for (const value of values.slice(0, MAX_USERS)) {
    const user = readUser(value);
    if (user && !out.has(user.id)) out.set(user.id, user);
  }
  return out;
}

/** How a conversation names a person: "Name (@handle)", or the handle alone. */
export function displayName(user: XProfile | undefined): string | undefined {
  if (!user?.username) return user?.name;
  if (!user.name || user.name === user.username) return user.username;
  return `${user.name} (@${user.username})`;
}

/**
 * The sender of a post or DM: X itself vouches for the account id, so the identity is verified.
 * Locale comes from the message's language when X detected one; country and region (an ISO
 * 3166-2 subdivision, which incidents link by) from the profile's free-text location when the
 * gazetteer recognises them; never a timezone (X does not say).
 */
export function senderFor(id: string, user: XProfile | undefined, locale?: string): InboundSender {
  const name = displayName(user);
  const region = user?.location ? regionFromLocation(user.location) : null;
  // A Spanish town the city data lacks ("Móstoles") still names its country.
  const country = (user?.location ? countryFromLocation(user.location) : null) ?? region?.slice(0, 2) ?? null;
  const signals = {
    ...(user?.followers !== undefined ? { followers: user.followers } : {}),
    ...(user?.verified !== undefined ? { verified: user.verified } : {}),
  };
  return {
    kind: 'twitter',
    externalId: id,
    verified: true,
    ...(name ? { displayName: name } : {}),
    ...(locale ? { locale } : {}),
    ...(country ? { country } : {}),
    ...(region ? { region } : {}),
    ...(Object.keys(signals).length > 0 ? { signals } : {}),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ id }` when a raw value carries a numeric X id, for naming what was skipped; `{}` otherwise. */
export function rawId(raw: unknown): { id?: string } {
  return isRecord(raw) && typeof raw.id === 'string' && /^\d{1,20}$/.test(raw.id) ? { id: raw.id } : {};
}
