import { CentralitaError } from '@centralita/core';
import { attachmentKey, createPendingUpload, purgePendingUploads } from '@centralita/db';
import type { Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { ApiRegistry } from '../http/registry.ts';
import { actorOf } from './access.ts';

/** The header a cookie-authenticated upload must carry: a cross-site form cannot add one without a CORS preflight. */
export const UPLOAD_HEADER = 'x-centralita-upload';
const MAX_FILENAME = 200;

/**
 * A name safe to store, show and put in a mail: the last part of any path, without control or
 * bidirectional-override characters (which make `exe.pdf` out of `fdp.exe`) or characters
 * Windows refuses, at most 200 characters with the extension kept.
 */
export function safeFilename(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, '');
  if ([...name].length > MAX_FILENAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = [...name].slice(0, MAX_FILENAME - [...ext].length).join('') + ext;
  }
  return name || 'file';
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** Reads the raw body, refusing it as soon as it passes the limit rather than after holding it all. */
async function readBody(req: Request, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new CentralitaError(
      'payload_too_large',
      `Files can be up to ${megabytes(limit)}; this one is larger. Send a smaller file or a link to it.`,
    );
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // The rest is drained unread (not destroyed), so the client still gets the 413.
      req.off('data', onData);
      req.resume();
      chunks.length = 0;
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Deletes uploads nobody sent within the set time, and the bytes nothing else uses. Run hourly by the job worker. */
export async function purgeStaleUploads(ctx: AppContext): Promise<number> {
  const unused = await purgePendingUploads(ctx.db.kysely, new Date(ctx.clock().getTime() - ctx.settings.pendingUploadTtlMs));
  for (const { workspaceId, key } of unused) await ctx.attachments.delete?.(workspaceId, key);
  return unused.length;
}

/**
 * `POST /attachments`: a file for a reply the agent is writing. Registered before the API's JSON
 * body parser and its "cookie writes must be JSON" rule, which it replaces with its own header
 * rule; the origin rule has already run.
 */
export function registerUploadRoutes(api: ApiRegistry, ctx: AppContext): void {
  api.add({
    method: 'post',
    path: '/attachments',
    tag: 'conversations',
    role: 'agent',
    status: 201,
    summary:
      'Uploads a file for a reply or note: the raw bytes as the body (any Content-Type), the name in ?filename=. Signed in with the session cookie, send X-Centralita-Upload: 1. Answers the pending file; name its id in attachmentIds when posting the message. Files never sent are deleted after a day.',
    query: z.object({ filename: z.string().min(1, 'filename is required').max(1000) }),
    async handler({ req, principal, query }) {
      if (!req.headers.authorization && req.headers[UPLOAD_HEADER] !== '1') {
        throw new CentralitaError(
          'forbidden',
          'Uploads signed in with the session cookie must send the header X-Centralita-Upload: 1 (a page on another site cannot).',
        );
      }
      const owner = actorOf(principal).id;
      if (!owner) throw new CentralitaError('forbidden', 'Only a user or an API token can upload files.');
      const data = await readBody(req, ctx.settings.uploadMaxBytes);
      const key = attachmentKey(data);
      await ctx.attachments.put(principal.workspaceId, key, data);
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() || 'application/octet-stream';
      const attachment = await createPendingUpload(ctx.db.kysely, {
        workspaceId: principal.workspaceId,
        ownerId: owner,
        filename: safeFilename(query.filename),
        contentType: /^[\w.+-]+\/[\w.+-]+$/.test(contentType) ? contentType : 'application/octet-stream',
        size: data.length,
        storageKey: key,
        now: ctx.clock(),
      });
      return { attachment };
    },
  });
}
