import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GraphPeer, startGraphPeer } from '../testing/index.ts';
import { createGraphClient, type GraphClient } from './graph.ts';
import { GraphError } from './graph-errors.ts';
import { MediaError, verifySha256 } from './graph-media.ts';

let peer: GraphPeer;
let graph: GraphClient;
let now: Date;
beforeEach(async () => {
  now = new Date('2026-11-03T10:00:00Z');
  peer = await startGraphPeer({ now: () => now });
  graph = createGraphClient({ baseUrl: peer.url, version: peer.version, accessToken: peer.accessToken });
});
afterEach(async () => {
  await peer.close();
});

const downloads = () => peer.requests.filter((r) => r.route === 'download');

describe('customer media', () => {
  it('is described by GET /{media-id} and downloaded with the token, hash checked', async () => {
    const bytes = randomBytes(70_000);
    const id = peer.addMedia(bytes, 'image/jpeg', 'foto.jpg');
    const info = await graph.getMedia(id);
    expect(info).toEqual({
      id,
      url: expect.stringContaining(`${peer.url}/whatsapp_business/attachments/?mid=${id}`),
      mimeType: 'image/jpeg',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      fileSize: 70_000,
    });
    const file = await graph.downloadMedia(info.url, 100_000, { sha256: info.sha256 });
    expect(file.bytes.equals(bytes)).toBe(true);
    expect(file.mimeType).toBe('image/jpeg');
  });

  it('fetchMedia does both in one call', async () => {
    const bytes = Buffer.from('%PDF-1.7 factura');
    const id = peer.addMedia(bytes, 'application/pdf', 'factura.pdf');
    const file = await graph.fetchMedia(id, 1024);
    expect(file.bytes.equals(bytes)).toBe(true);
    expect(file.info).toMatchObject({ id, mimeType: 'application/pdf', fileSize: bytes.length });
  });

  it('an unknown media id is invalid, code 100', async () => {
    await expect(graph.getMedia('1234567890123456')).rejects.toMatchObject({ kind: 'invalid', code: 100, subcode: 33 });
  });
});

describe('the size cap', () => {
  it('refuses up front when Meta already says the file is too big, without downloading it', async () => {
    const id = peer.addMedia(randomBytes(50_000), 'video/mp4');
    const err = await graph.fetchMedia(id, 10_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect(err).toMatchObject({ code: 'media_too_large', maxBytes: 10_000 });
    expect((err as Error).message).toMatch(/^media_too_large: the file is 50000 bytes/);
    expect(downloads()).toHaveLength(0);
  });

  it('refuses on the content-length of the download', async () => {
    const id = peer.addMedia(randomBytes(50_000), 'video/mp4');
    const info = await graph.getMedia(id);
    await expect(graph.downloadMedia(info.url, 10_000)).rejects.toMatchObject({ name: 'MediaError', code: 'media_too_large' });
  });

  it('stops a download with no content-length as soon as it passes the cap', async () => {
    const id = peer.addMedia(randomBytes(2_000_000), 'video/mp4', { chunked: true });
    const info = await graph.getMedia(id);
    const err = await graph.downloadMedia(info.url, 100_000).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'media_too_large', maxBytes: 100_000 });
    expect((err as Error).message).toContain('more than 100000 bytes');
  });

  it('takes a file of exactly the cap', async () => {
    const bytes = randomBytes(4096);
    const id = peer.addMedia(bytes, 'audio/ogg', { chunked: true });
    const info = await graph.getMedia(id);
    await expect(graph.downloadMedia(info.url, 4096)).resolves.toMatchObject({ bytes });
  });
});

describe('integrity and access', () => {
  it('refuses bytes that do not match the hash Meta gave', async () => {
    const id = peer.addMedia(Buffer.from('the real bytes'), 'image/png', {
      sha256: createHash('sha256').update('other bytes').digest('hex'),
    });
    const err = await graph.fetchMedia(id, 1024).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect(err).toMatchObject({ code: 'media_sha_mismatch' });
  });

  it('checks a webhook’s base64 hash as well as the Graph API’s hex', () => {
    const bytes = Buffer.from('sticker');
    const digest = createHash('sha256').update(bytes).digest();
    expect(() => verifySha256(bytes, digest.toString('base64'))).not.toThrow();
    expect(() => verifySha256(bytes, digest.toString('hex').toUpperCase())).not.toThrow();
    expect(() => verifySha256(bytes, Buffer.alloc(32).toString('base64'))).toThrow(MediaError);
  });

  it('the download URL needs the bearer token', async () => {
    const info = await graph.getMedia(peer.addMedia(Buffer.from('x'), 'image/png'));
    const res = await fetch(info.url);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(190);
  });

  it('the download URL expires after five minutes', async () => {
    const info = await graph.getMedia(peer.addMedia(Buffer.from('x'), 'image/png'));
    now = new Date('2026-11-03T10:05:01Z');
    const err = await graph.downloadMedia(info.url, 1024).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ httpStatus: 404, kind: 'invalid', title: 'URL signature expired' });
  });

  it('a download cut off by the network is a network error', async () => {
    const info = await graph.getMedia(peer.addMedia(randomBytes(1000), 'image/png'));
    peer.failNext({ drop: true, on: 'download' });
    await expect(graph.downloadMedia(info.url, 10_000)).rejects.toMatchObject({ name: 'GraphError', kind: 'network' });
  });
});

describe('uploads', () => {
  it('refuses a type the Cloud API does not take (131053)', async () => {
    const err = await graph
      .uploadMedia(peer.phoneNumberId, Buffer.from('MZ'), 'application/x-msdownload', 'setup.exe')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid', code: 131053, details: 'Unsupported file type: application/x-msdownload' });
  });

  it('refuses an image over 5 MB (131053)', async () => {
    const err = await graph
      .uploadMedia(peer.phoneNumberId, Buffer.alloc(5 * 1024 * 1024 + 1), 'image/png', 'big.png')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid', code: 131053 });
  });
});
