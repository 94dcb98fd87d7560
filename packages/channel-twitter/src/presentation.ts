import type { ChannelPresentation, TextCounting } from '@centralita/channel-kit';

/** twitter-text v3's published weighting: a link 23, an emoji or a CJK character 2, NFC. */
export const X_TEXT_COUNTING: TextCounting = {
  kind: 'weighted',
  normalization: 'NFC',
  urlLength: 23,
  defaultWeight: 2,
  emojiWeight: 2,
  ranges: [
    { from: 0, to: 4351, weight: 1 },
    { from: 8192, to: 8205, weight: 1 },
    { from: 8208, to: 8223, weight: 1 },
    { from: 8242, to: 8247, weight: 1 },
  ],
};

/** X's name and labels for consoles; the icon is a plain drawn X, not X's trademark. */
export const PRESENTATION: ChannelPresentation = {
  icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M4 4l16 16M20 4 4 20"/></svg>',
  fields: {
    tier: {
      label: 'API tier',
      help: 'self_serve (pay-per-use, Basic, Pro): public replies only to posts that mention the brand; enterprise: any.',
    },
    consumerKey: { label: 'API key (consumer key)', help: 'From the app’s Keys and tokens page in X’s developer console.' },
    consumerSecret: { label: 'API key secret (consumer secret)', help: 'Also signs X’s webhook deliveries.' },
    accessToken: { label: 'Access token', help: 'The brand account’s token, with read, write and DM permissions.' },
    accessTokenSecret: { label: 'Access token secret' },
    bearerToken: { label: 'Bearer token', help: 'The app’s token; needed for the webhook.' },
    brandUserId: { label: 'Brand user id', help: 'Looked up from the access token when left empty.' },
    brandUsername: { label: 'Brand handle', help: 'Looked up from the access token when left empty.' },
    mentions: { label: 'Read mentions', help: 'Poll the brand’s mentions: the cheapest way in.' },
    directMessages: { label: 'Read DMs' },
    webhook: { label: 'Real time by webhook', help: 'The X Activity API delivers mentions, replies, quotes and DMs as they happen.' },
    listening: { label: 'Run saved searches', help: 'Proactive listening: supervisors’ searches for posts that do not mention the brand.' },
    mentionsIntervalSeconds: { label: 'Seconds between mention reads' },
    directMessagesIntervalSeconds: { label: 'Seconds between DM reads' },
    reconcileSeconds: { label: 'Seconds between reconciling reads', help: 'With the webhook on: polls that fill any gap.' },
    webhookCheckSeconds: {
      label: 'Seconds between webhook checks',
      help: 'An invalid webhook is re-validated and its gap read by polling.',
    },
    dmPerUserPer15Min: { label: 'DMs per person per 15 minutes', help: 'X’s cap; 15 today.' },
    dmPerAppPerDay: { label: 'DMs per day for the app', help: 'X’s cap; 1,440 today.' },
    apiUrl: { label: 'API address', help: 'https://api.x.com unless a proxy stands in between.' },
    caCertificate: { label: 'Certificate to trust', help: 'PEM, only for a proxy that inspects TLS.' },
  },
  visibilities: { public: 'Public reply', private: 'DM' },
  // twitter-text v3's weighting, for the console's live counter; measureText has the last word.
  textCounting: X_TEXT_COUNTING,
  locales: {
    es: {
      fields: {
        tier: {
          label: 'Nivel de la API',
          help: 'self_serve (pago por uso, Basic, Pro): respuestas públicas solo a posts que mencionan a la marca; enterprise: a cualquiera.',
        },
        consumerKey: {
          label: 'Clave de API (consumer key)',
          help: 'En la página Keys and tokens de la app, en la consola de desarrollo de X.',
        },
        consumerSecret: { label: 'Secreto de la clave de API', help: 'También firma los envíos del webhook de X.' },
        accessToken: { label: 'Token de acceso', help: 'El token de la cuenta de la marca, con permisos de lectura, escritura y DM.' },
        accessTokenSecret: { label: 'Secreto del token de acceso' },
        bearerToken: { label: 'Bearer token', help: 'El token de la app; hace falta para el webhook.' },
        brandUserId: { label: 'Id de usuario de la marca', help: 'Se obtiene del token de acceso si se deja vacío.' },
        brandUsername: { label: 'Usuario de la marca', help: 'Se obtiene del token de acceso si se deja vacío.' },
        mentions: { label: 'Leer menciones', help: 'Consulta las menciones de la marca: la entrada más barata.' },
        directMessages: { label: 'Leer DM' },
        webhook: { label: 'Tiempo real por webhook', help: 'La X Activity API entrega menciones, respuestas, citas y DM al momento.' },
        listening: { label: 'Ejecutar búsquedas guardadas', help: 'Escucha proactiva: búsquedas de posts que no mencionan a la marca.' },
        mentionsIntervalSeconds: { label: 'Segundos entre lecturas de menciones' },
        directMessagesIntervalSeconds: { label: 'Segundos entre lecturas de DM' },
        reconcileSeconds: {
          label: 'Segundos entre lecturas de conciliación',
          help: 'Con el webhook activo: consultas que cubren cualquier hueco.',
        },
        webhookCheckSeconds: {
          label: 'Segundos entre comprobaciones del webhook',
          help: 'Un webhook inválido se vuelve a validar y su hueco se lee consultando.',
        },
        dmPerUserPer15Min: { label: 'DM por persona cada 15 minutos', help: 'El límite de X; hoy 15.' },
        dmPerAppPerDay: { label: 'DM al día para la app', help: 'El límite de X; hoy 1.440.' },
        apiUrl: { label: 'Dirección de la API', help: 'https://api.x.com salvo que haya un proxy entre medias.' },
        caCertificate: { label: 'Certificado de confianza', help: 'PEM, solo para un proxy que inspecciona TLS.' },
      },
      visibilities: { public: 'Respuesta pública', private: 'DM' },
      // The reply policy's reasons (policy.ts), by code.
      messages: {
        no_public_post: 'El cliente no tiene aquí ningún post público al que responder: contesta por DM.',
        not_summoned:
          'Con un nivel self-serve de X, la API solo puede responder en público a posts que mencionan a la marca con @ o citan uno de sus posts, y este no hace ninguna de las dos cosas.',
      },
    },
  },
};
