import { detectLanguage } from '@centralita/routing';

// What a handoff says to the customer, in the conversation's language (Spanish or English).
// Kept short: the first of these often goes in a 280-character post.

export type HandoffLanguage = 'es' | 'en';

/** The conversation's language, else the language the customer's text is in. */
export function languageOf(conversationLanguage: string | null, customerText = ''): HandoffLanguage {
  const lang = conversationLanguage ?? detectLanguage(customerText, ['es', 'en']);
  return lang?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

const CHANNEL: Record<HandoffLanguage, Record<string, string>> = {
  es: { twitter: 'X', email: 'el email', webform: 'la web', whatsapp: 'WhatsApp' },
  en: { twitter: 'X', email: 'email', webform: 'the web', whatsapp: 'WhatsApp' },
};

function channelName(lang: HandoffLanguage, kind: string | null): string {
  return (kind && CHANNEL[lang][kind]) || (lang === 'es' ? 'otro canal' : 'another channel');
}

function date(lang: HandoffLanguage, at: Date): string {
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-ES' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(at);
}

/** The first message the customer sends from WhatsApp or an X DM, prefilled through the link. */
export function prefill(lang: HandoffLanguage, fromKind: string | null, code: string): string {
  return lang === 'es'
    ? `Hola, vengo de ${channelName(lang, fromKind)}. Referencia ${code}`
    : `Hi, I'm coming from ${channelName(lang, fromKind)}. Reference ${code}`;
}

/** The message, on the current channel, that takes the customer to the new one. */
export function invitation(lang: HandoffLanguage, target: 'web' | 'whatsapp' | 'x_dm', link: string, expiresAt: Date): string {
  const until = date(lang, expiresAt);
  if (lang === 'es') {
    if (target === 'web') return `Para seguir en privado, escríbenos aquí: ${link} (válido hasta el ${until}).`;
    if (target === 'whatsapp')
      return `Para seguir por WhatsApp, abre ${link} y envíanos el mensaje que aparece (válido hasta el ${until}).`;
    return `Para seguir en privado, escríbenos por mensaje directo: ${link}`;
  }
  if (target === 'web') return `To continue privately, write to us here: ${link} (valid until ${until}).`;
  if (target === 'whatsapp') return `To continue on WhatsApp, open ${link} and send us the message it shows (valid until ${until}).`;
  return `To continue privately, send us a direct message: ${link}`;
}

/** The first DM the brand sends when the customer accepts DMs. */
export function firstDm(lang: HandoffLanguage, note: string | null): string {
  const base = lang === 'es' ? 'Hola, seguimos por aquí, en privado.' : 'Hi, let us continue here, in private.';
  return note ? `${base} ${note}` : base;
}

/** The first mail of an email handoff. */
export function firstMail(lang: HandoffLanguage, fromKind: string | null, note: string | null): string {
  const base =
    lang === 'es'
      ? `Hola:\n\nTe escribimos por email para seguir con la consulta que nos hiciste por ${channelName(lang, fromKind)}. Responde a este mensaje y lo verá la misma persona que te atiende.`
      : `Hello,\n\nWe are writing by email to carry on with what you asked us on ${channelName(lang, fromKind)}. Reply to this message and it reaches the same person who is helping you.`;
  return note ? `${base}\n\n${note}` : base;
}

/** Said on the current channel once the DM or the mail has gone: never the address itself. */
export function notice(lang: HandoffLanguage, target: 'email' | 'x_dm'): string {
  if (lang === 'es')
    return target === 'email' ? 'Te hemos enviado un email para seguir en privado.' : 'Te hemos enviado un mensaje directo.';
  return target === 'email' ? 'We have sent you an email to continue in private.' : 'We have sent you a direct message.';
}

/** The automatic answer to a message that used an expired code. */
export function expiredAnswer(lang: HandoffLanguage): string {
  return lang === 'es'
    ? 'La referencia que nos has enviado ha caducado, pero hemos recibido tu mensaje y te responderemos por aquí.'
    : 'The reference you sent us has expired, but we have your message and will answer you here.';
}
