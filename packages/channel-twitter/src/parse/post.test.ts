import { describe, expect, it } from 'vitest';
import { brand, brandV2User, customer, includes, mentionId, mentionTime, v2Mention, v2User } from './fixtures.ts';
import { isRepost, MAX_TEXT_LENGTH, PayloadError, postToEvent } from './index.ts';
import { mentionsInTypedText } from './post.ts';

describe('postToEvent', () => {
  it('turns a mention into a public message from a verified X identity, links expanded', () => {
    const event = postToEvent(v2Mention(), includes, brand, { source: 'mentions' });
    expect(event).toEqual({
      type: 'message.received',
      externalMessageId: mentionId,
      occurredAt: new Date(mentionTime),
      sender: {
        kind: 'twitter',
        externalId: customer.id,
        verified: true,
        displayName: 'María López (@maria_lopez)',
        locale: 'es',
        country: 'ES',
        // The profile says Madrid: the conversation's region, for incidents.
        region: 'ES-MD',
        signals: { followers: 321, verified: false },
      },
      text: '@AcmeHelp my order & invoice never arrived https://shop.example.com/orders/4471',
      fullText: '@AcmeHelp my order & invoice never arrived https://t.co/AbC123xyz',
      visibility: 'public',
      thread: { externalThreadId: mentionId, inReplyTo: [] },
      metadata: {
        postId: mentionId,
        url: `https://x.com/maria_lopez/status/${mentionId}`,
        authorUsername: 'maria_lopez',
        conversationId: mentionId,
        inReplyToPostId: null,
        repliesToBrand: false,
        mentionsBrand: true,
        quotesBrand: false,
        summonsBrand: true,
        authorAcceptsDms: null,
        lang: 'es',
        source: 'mentions',
      },
    });
    expect(event.sender).not.toHaveProperty('timezone');
  });

  it('keeps no fullText when nothing in the text changed', () => {
    const event = postToEvent(v2Mention({ text: '@AcmeHelp hello', entities: { mentions: [{ id: brand.id }] } }), includes, brand);
    expect(event.text).toBe('@AcmeHelp hello');
    expect(event).not.toHaveProperty('fullText');
  });

  it('threads a reply chain by the post it answers and by the conversation it belongs to', () => {
    const root = '2087449003422646273';
    const first = postToEvent(
      v2Mention({ id: '2087464102917046472', conversation_id: root, referenced_tweets: [{ type: 'replied_to', id: root }] }),
      includes,
      brand,
    );
    const second = postToEvent(
      v2Mention({
        id: '2087466619499446572',
        conversation_id: root,
        in_reply_to_user_id: brand.id,
        referenced_tweets: [{ type: 'replied_to', id: '2087464102917046472' }],
      }),
      includes,
      brand,
    );
    expect(first.thread).toEqual({ externalThreadId: root, inReplyTo: [root] });
    expect(second.thread).toEqual({ externalThreadId: root, inReplyTo: ['2087464102917046472'] });
    expect(second.metadata).toMatchObject({ conversationId: root, inReplyToPostId: '2087464102917046472', repliesToBrand: true });
  });

  it('gives no locale when X found no language, and maps X old codes', () => {
    for (const lang of ['und', 'zxx', 'qme', 'qht', 'qam', 'qct', 'qst', 'art', '123', 'x'.repeat(50)]) {
      const event = postToEvent(v2Mention({ lang }), includes, brand);
      expect(event.sender, lang).not.toHaveProperty('locale');
    }
    expect(postToEvent(v2Mention({ lang: 'in' }), includes, brand).sender.locale).toBe('id');
    expect(postToEvent(v2Mention({ lang: 'pt-br' }), includes, brand).sender.locale).toBe('pt-BR');
  });

  it('leaves country out when the profile location names no place', () => {
    const event = postToEvent(v2Mention(), { users: [v2User({ location: 'the moon and back ✨' })] }, brand);
    expect(event.sender).not.toHaveProperty('country');
  });

  it('knows the brand was quoted only when the quoted post is the brand own', () => {
    const quoted = '2083492935889846281';
    const post = v2Mention({ text: 'this is wrong', entities: {}, referenced_tweets: [{ type: 'quoted', id: quoted }] });
    const known = postToEvent(post, { users: [v2User()], tweets: [{ id: quoted, text: 'Our new plans', author_id: brand.id }] }, brand);
    expect(known.metadata).toMatchObject({ mentionsBrand: false, quotesBrand: true, summonsBrand: true });
    const other = postToEvent(post, { users: [v2User()], tweets: [{ id: quoted, text: 'x', author_id: '42' }] }, brand);
    expect(other.metadata).toMatchObject({ quotesBrand: false, summonsBrand: false });
    const unknown = postToEvent(post, includes, brand);
    expect(unknown.metadata).toMatchObject({ quotesBrand: false, summonsBrand: false });
  });

  it('finds a mention of the brand by handle whatever its case, even without an id', () => {
    const event = postToEvent(v2Mention({ entities: { mentions: [{ start: 0, end: 9, username: 'acmehelp' }] } }), includes, brand);
    expect(event.metadata).toMatchObject({ mentionsBrand: true, summonsBrand: true });
  });

  it('marks a post found by listening as proactive', () => {
    const event = postToEvent(v2Mention({ entities: {} }), includes, brand, { origin: 'proactive', source: 'search' });
    expect(event.origin).toBe('proactive');
    expect(event.metadata).toMatchObject({ source: 'search', mentionsBrand: false, summonsBrand: false });
  });

  it('shows the whole text of a long post', () => {
    const long = `${'Tengo un problema con el pedido. '.repeat(20)}fin`;
    const event = postToEvent(v2Mention({ text: `${long.slice(0, 270)}…`, note_tweet: { text: long, entities: {} } }), includes, brand);
    expect(event.text).toBe(long);
  });

  it('names an author it has no profile for by id only, and links the post by id', () => {
    const event = postToEvent(v2Mention(), { users: [brandV2User] }, brand);
    expect(event.sender).toEqual({ kind: 'twitter', externalId: customer.id, verified: true, locale: 'es' });
    expect(event.metadata).toMatchObject({ authorUsername: null, url: `https://x.com/i/status/${mentionId}` });
  });

  it('takes the time from the snowflake id when created_at was not asked for', () => {
    const { created_at: _, ...post } = v2Mention();
    expect(postToEvent(post, includes, brand).occurredAt).toEqual(new Date(mentionTime));
  });

  it('says which field is wrong when X sent something else', () => {
    const { author_id: _, ...post } = v2Mention();
    expect(() => postToEvent(post, includes, brand)).toThrow(PayloadError.at('post.author_id', 'is missing'));
    expect(() => postToEvent(v2Mention({ id: 12 }), includes, brand)).toThrow('post.id must be a string, not a number');
    expect(() => postToEvent(v2Mention({ created_at: 'yesterday' }), includes, brand)).toThrow('post.created_at is not a date');
    expect(() => postToEvent(null, includes, brand)).toThrow('post must be an object, not null');
  });

  it('cuts a text longer than any post and strips characters a database cannot hold', () => {
    const huge = postToEvent(v2Mention({ text: 'a'.repeat(200_000), entities: {} }), includes, brand);
    expect(huge.text.length).toBe(MAX_TEXT_LENGTH + 1);
    const nul = postToEvent(v2Mention({ text: 'bad\u0000byte', entities: {} }), { users: [v2User({ name: 'Evil\u0000' })] }, brand);
    expect(nul.text).toBe('bad\uFFFDbyte');
    expect(nul.sender.displayName).toBe('Evil\uFFFD (@maria_lopez)');
  });

  it('tells a repost from a post', () => {
    expect(isRepost(v2Mention({ referenced_tweets: [{ type: 'retweeted', id: '1' }] }))).toBe(true);
    expect(isRepost(v2Mention())).toBe(false);
    expect(isRepost('nonsense')).toBe(false);
  });
});

describe('mentionsInTypedText', () => {
  it('does not count the handles X puts in front of a reply, only the ones its author typed', () => {
    expect(mentionsInTypedText('@AcmeHelp @ana sigue sin ir', 15, 'AcmeHelp')).toBe(false);
    expect(mentionsInTypedText('@AcmeHelp @ana sigue sin ir', 'reply', 'AcmeHelp')).toBe(false);
    expect(mentionsInTypedText('@ana sigue sin ir, @acmehelp mirad esto', 'reply', 'AcmeHelp')).toBe(true);
    // Replying to yourself, X adds no handles: a typed leading @brand counts.
    expect(mentionsInTypedText('@AcmeHelp ¿hay alguien?', 0, 'AcmeHelp')).toBe(true);
    expect(mentionsInTypedText('@AcmeHelp no tengo línea', 0, 'AcmeHelp')).toBe(true);
    // Another handle that starts the same, or an address, is not the brand.
    expect(mentionsInTypedText('hola @AcmeHelpDesk', 0, 'AcmeHelp')).toBe(false);
    expect(mentionsInTypedText('escribid a soporte@AcmeHelp.com', 0, 'AcmeHelp')).toBe(false);
  });
});
