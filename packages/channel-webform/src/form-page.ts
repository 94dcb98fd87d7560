import { escapeHtml } from '@centralita/core';
import type { WebformConfig } from './config.ts';

/**
 * The embeddable form. It works without JavaScript (a plain POST answered with a redirect to the
 * conversation page); with JavaScript it posts JSON with one Idempotency-Key per page, so a double
 * click or a flaky network stores one message.
 */
export function renderFormPage(config: WebformConfig, nonce: string): string {
  const title = escapeHtml(config.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style nonce="${nonce}">
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input, textarea { width: 100%; padding: .5rem; font: inherit; border: 1px solid #767676; border-radius: 4px; box-sizing: border-box; }
  textarea { min-height: 8rem; }
  button { margin-top: 1rem; padding: .6rem 1.2rem; font: inherit; background: #0b57d0; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
  button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 3px solid #f4b400; outline-offset: 2px; }
  .trap { position: absolute; left: -10000px; }
  [role=alert] { color: #b3261e; margin-top: 1rem; }
</style>
</head>
<body>
<main>
<h1>${title}</h1>
<p>${escapeHtml(config.intro)}</p>
<form id="form" method="post" target="_top">
  <label for="name">Your name</label><input id="name" name="name" required maxlength="200" autocomplete="name">
  <label for="email">Email</label><input id="email" name="email" type="email" required maxlength="320" autocomplete="email">
  <label for="subject">Subject</label><input id="subject" name="subject" maxlength="200">
  <label for="message">Message</label><textarea id="message" name="message" required maxlength="${config.maxMessageLength}"></textarea>
  <div class="trap" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
  <input type="hidden" name="timezone" id="timezone">
  <input type="hidden" name="language" id="language">
  <button type="submit">Send</button>
  <p id="error" role="alert"></p>
</form>
</main>
<script nonce="${nonce}">
(() => {
  const form = document.getElementById('form');
  const key = crypto.randomUUID();
  try { document.getElementById('timezone').value = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch {}
  document.getElementById('language').value = (navigator.language || '').slice(0, 35);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fields = Object.fromEntries(new FormData(form));
    for (const k of Object.keys(fields)) if (fields[k] === '') delete fields[k];
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      const res = await fetch(location.href, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(fields) });
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ? body.error.message : 'Something went wrong');
      // The form may live in a frame; the conversation page opens in the whole window.
      window.open(body.conversationLink, '_top');
    } catch (err) {
      document.getElementById('error').textContent = err.message;
      button.disabled = false;
    }
  });
})();
</script>
</body>
</html>`;
}
