import { beforeAll, describe, expect, it } from 'vitest';
import { call, createFixture, type Fixture, login, useServer } from './harness.ts';

// The composer's "/" menu: agents find a canned response by its shortcut or its words;
// supervisors keep the list.
const t = useServer({ worker: false });
let f: Fixture;
let agent: string;
let supervisor: string;

beforeAll(async () => {
  f = await createFixture(t);
  agent = await login(t.url, f.users.agent.email);
  supervisor = await login(t.url, f.users.supervisor.email);
  for (const [shortcut, text] of [
    ['fibra', 'Estamos revisando la fibra de tu zona.'],
    ['factura', 'Te enviamos la factura corregida.'],
    ['gracias', 'Gracias por escribirnos; revisamos tu factura_2024 y te contamos.'],
    ['hola', 'Hola, ¿en qué te ayudo?'],
  ]) {
    const res = await call(t.url, 'POST', '/api/v1/canned-responses', { cookie: supervisor, body: { shortcut, text } });
    expect(res.status, res.text).toBe(201);
  }
});

const search = async (q: string) =>
  (await call(t.url, 'GET', `/api/v1/canned-responses?q=${encodeURIComponent(q)}`, { cookie: agent })).json.items.map(
    (c: { shortcut: string }) => c.shortcut,
  );

describe('canned responses', () => {
  it('finds by shortcut prefix first (a typed / ignored), then by words of the text', async () => {
    expect(await search('f')).toEqual(['factura', 'fibra', 'gracias']);
    expect(await search('/fi')).toEqual(['fibra']);
    expect(await search('factura')).toEqual(['factura', 'gracias']);
    expect(await search('AYUDO')).toEqual(['hola']);
    // LIKE wildcards are literal.
    expect(await search('_2024')).toEqual(['gracias']);
    expect(await search('%')).toEqual([]);
    expect(await search('')).toHaveLength(4);
  });

  it('lets supervisors change one, keeping what the body leaves out, and refuses a taken shortcut', async () => {
    const list = (await call(t.url, 'GET', '/api/v1/canned-responses', { cookie: agent })).json.items;
    const hola = list.find((c: { shortcut: string }) => c.shortcut === 'hola');
    const path = `/api/v1/canned-responses/${hola.id}`;
    const renamed = await call(t.url, 'PATCH', path, { cookie: supervisor, body: { shortcut: 'saludo' } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.json).toEqual({ cannedResponse: { id: hola.id, shortcut: 'saludo', text: 'Hola, ¿en qué te ayudo?' } });
    const taken = await call(t.url, 'PATCH', path, { cookie: supervisor, body: { shortcut: 'fibra' } });
    expect(taken.status).toBe(409);
    expect((await call(t.url, 'PATCH', path, { cookie: supervisor, body: {} })).json.cannedResponse.shortcut).toBe('saludo');
    const missing = await call(t.url, 'PATCH', '/api/v1/canned-responses/00000000-0000-4000-8000-000000000000', {
      cookie: supervisor,
      body: { text: 'x' },
    });
    expect(missing.status).toBe(404);
  });

  it('lets agents read only', async () => {
    const id = (await call(t.url, 'GET', '/api/v1/canned-responses', { cookie: agent })).json.items[0].id;
    expect((await call(t.url, 'POST', '/api/v1/canned-responses', { cookie: agent, body: { shortcut: 'x', text: 'x' } })).status).toBe(403);
    expect((await call(t.url, 'PATCH', `/api/v1/canned-responses/${id}`, { cookie: agent, body: { text: 'x' } })).status).toBe(403);
    expect((await call(t.url, 'DELETE', `/api/v1/canned-responses/${id}`, { cookie: agent })).status).toBe(403);
    expect((await call(t.url, 'DELETE', `/api/v1/canned-responses/${id}`, { cookie: supervisor })).status).toBe(204);
  });
});
