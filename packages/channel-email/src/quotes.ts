import EmailReplyParser from 'email-reply-parser';

// Quote headers email-reply-parser does not know in every client's wording: Outlook's separator
// and header block (English and Spanish), and "On ... wrote:" lines a client wrapped onto two.
const CUT_MARKERS: RegExp[] = [
  /^-{2,}\s*(original message|mensaje original|message d'origine|ursprüngliche nachricht|mensagem original)\s*-{2,}\s*$/im,
  /^_{10,}\s*$/m,
  /^(from|de|von):\s.+\n(sent|enviado|gesendet|envoyé|date|fecha):\s/im,
  /^-{5,}\s*forwarded message\s*-{5,}\s*$/im,
  /^(on|el|le|am)\s.{5,200}\n?.{0,200}(wrote|escribió|a écrit|schrieb):\s*$/im,
];

/**
 * The part of a reply the customer just wrote: quoted history and signatures removed, for the
 * conversation view. The whole text is kept alongside. A forwarded message keeps what was
 * forwarded: that is the content the customer is sending us.
 */
export function visibleReply(text: string, options: { forwarded?: boolean } = {}): string {
  const normalised = text.replace(/\r\n/g, '\n');
  if (options.forwarded) return normalised.trim();
  let body = normalised;
  for (const marker of CUT_MARKERS) {
    if (/forwarded message/i.test(marker.source)) continue;
    const m = marker.exec(body);
    if (m && m.index > 0) body = body.slice(0, m.index);
  }
  let visible = body;
  try {
    visible = new EmailReplyParser().read(body).getVisibleText();
  } catch {
    // A parser failure must not cost the message: keep the text as it came.
  }
  visible = visible.trim();
  // A reply that is only a quote (or that the parser emptied) shows the text as it came.
  return visible.length > 0 ? visible : normalised.trim();
}
