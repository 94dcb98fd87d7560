import { type MessageTemplate, templateChoiceProblems } from '@centralita/channel-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultTemplates, type GraphPeer, startGraphPeer } from '../testing/index.ts';
import { createGraphClient, type GraphClient } from './graph.ts';
import { messageBody, templateContent } from './graph-messages.ts';
import { toMessageTemplate } from './graph-templates.ts';

let peer: GraphPeer;
let graph: GraphClient;
beforeEach(async () => {
  peer = await startGraphPeer();
  graph = createGraphClient({ baseUrl: peer.url, version: peer.version, accessToken: peer.accessToken });
});
afterEach(async () => {
  await peer.close();
});

const byName = (list: MessageTemplate[], name: string, language: string) => list.find((t) => t.name === name && t.language === language);

describe('listing', () => {
  it('follows the after cursor through every page', async () => {
    const list = await graph.listTemplates(peer.wabaId, { limit: 2 });
    expect(list.map((t) => `${t.name}/${t.language}`)).toEqual(defaultTemplates().map((t) => `${t.name}/${t.language}`));
    const pages = peer.requests.filter((r) => r.route === 'templates');
    expect(pages).toHaveLength(Math.ceil(defaultTemplates().length / 2));
  });

  it('asks for one page when everything fits', async () => {
    await graph.listTemplates(peer.wabaId);
    expect(peer.requests.filter((r) => r.route === 'templates')).toHaveLength(1);
  });

  it('maps a positional template: lower-case category and status, footer, examples', async () => {
    const list = await graph.listTemplates(peer.wabaId);
    expect(byName(list, 'order_update', 'es')).toEqual({
      name: 'order_update',
      language: 'es',
      category: 'utility',
      status: 'approved',
      header: null,
      body: 'Hola, tu pedido {{1}} ha salido de nuestro almacén y llegará en 2 o 3 días laborables.',
      footer: 'Acme Tienda',
      parameters: [{ key: 'body.1', label: 'Body {{1}}', example: '#4521' }],
    });
  });

  it('maps a named template, header included', async () => {
    const list = await graph.listTemplates(peer.wabaId);
    const t = byName(list, 'appointment_reminder', 'es');
    expect(t?.header).toBe('Tu cita en {{clinic}}');
    expect(t?.parameters).toEqual([
      { key: 'header.clinic', label: 'Header {{clinic}}', example: 'Clínica Centro' },
      { key: 'body.first_name', label: 'Body {{first_name}}', example: 'Lucía' },
      { key: 'body.date', label: 'Body {{date}}', example: '12 de noviembre a las 10:30' },
    ]);
  });

  it('shows a media header as no header, pending and rejected ones as such', async () => {
    const list = await graph.listTemplates(peer.wabaId);
    expect(byName(list, 'nuevo_catalogo', 'es')).toMatchObject({ header: null, parameters: [], category: 'marketing' });
    expect(byName(list, 'feedback_survey', 'es')?.status).toBe('pending');
    expect(byName(list, 'win_back_offer', 'en_US')?.status).toBe('rejected');
  });

  it('an account that is not ours is invalid, code 100', async () => {
    await expect(graph.listTemplates('555')).rejects.toMatchObject({ kind: 'invalid', code: 100 });
  });
});

describe('what the console lists, the peer accepts', () => {
  it('every approved template with a text-only header, filled from its examples, is sent', async () => {
    const list = await graph.listTemplates(peer.wabaId);
    const sendable = list.filter((t) => t.status === 'approved' && t.name !== 'nuevo_catalogo');
    expect(sendable.length).toBeGreaterThanOrEqual(4);
    for (const t of sendable) {
      const parameters = Object.fromEntries(t.parameters.map((p) => [p.key, p.example ?? 'x']));
      const choice = { name: t.name, language: t.language, parameters };
      expect(templateChoiceProblems(t, choice)).toEqual([]);
      await graph.sendMessage(peer.phoneNumberId, messageBody({ phone: '+34600123456' }, templateContent(choice)));
    }
    expect(peer.sent.map((s) => s.category)).toEqual(sendable.map((t) => t.category));
  });

  it('an image-header template sent without its image is refused with 132012', async () => {
    const choice = { name: 'nuevo_catalogo', language: 'es', parameters: {} };
    const err = await graph
      .sendMessage(peer.phoneNumberId, messageBody({ phone: '+34600123456' }, templateContent(choice)))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid', code: 132012 });
  });
});

describe('toMessageTemplate', () => {
  it('takes positional examples by number, not by where they appear', () => {
    const t = toMessageTemplate({
      id: '1',
      name: 'delivery_window',
      language: 'es',
      status: 'APPROVED',
      category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}', example: { header_text: ['#77'] } },
        { type: 'BODY', text: 'Llega entre las {{2}} y las {{3}}, {{1}}.', example: { body_text: [['Ana', '10:00', '12:00']] } },
      ],
    });
    expect(t.parameters).toEqual([
      { key: 'header.1', label: 'Header {{1}}', example: '#77' },
      { key: 'body.2', label: 'Body {{2}}', example: '10:00' },
      { key: 'body.3', label: 'Body {{3}}', example: '12:00' },
      { key: 'body.1', label: 'Body {{1}}', example: 'Ana' },
    ]);
  });

  it('leaves the example out when Meta kept none', () => {
    const t = toMessageTemplate({
      id: '1',
      name: 'n',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}' }],
    });
    expect(t.parameters).toEqual([{ key: 'body.1', label: 'Body {{1}}' }]);
    expect(t.footer).toBeNull();
  });
});
