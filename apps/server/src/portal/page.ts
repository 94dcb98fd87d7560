/**
 * The customer's conversation page. All text is inserted with textContent, never innerHTML, so
 * whatever anyone typed is shown as text. The token stays in the path, so the page sends no
 * Referer (no-referrer) and asks not to be indexed.
 */
export function renderPortalPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Your conversation</title>
<style nonce="${nonce}">
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
  ol { list-style: none; padding: 0; }
  li { margin: .5rem 0; padding: .6rem .8rem; border-radius: 8px; max-width: 85%; white-space: pre-wrap; overflow-wrap: anywhere; }
  li.customer { background: #e8f0fe; margin-left: auto; }
  li.agent { background: #f1f3f4; }
  li small { display: block; color: #5f6368; font-size: .8rem; }
  textarea { width: 100%; min-height: 5rem; padding: .5rem; font: inherit; box-sizing: border-box; border: 1px solid #767676; border-radius: 4px; }
  button { margin-top: .5rem; padding: .6rem 1.2rem; font: inherit; background: #0b57d0; color: #fff; border: 0; border-radius: 4px; }
  button:focus-visible, textarea:focus-visible { outline: 3px solid #f4b400; outline-offset: 2px; }
  [role=alert] { color: #b3261e; }
</style>
</head>
<body>
<main>
<h1>Your conversation</h1>
<p id="intro">Our team answers here. Keep this link private: anyone with it can read this conversation.</p>
<ol id="messages" aria-live="polite"></ol>
<form id="reply">
  <label for="text">Your reply</label>
  <textarea id="text" name="text" required maxlength="10000"></textarea>
  <button type="submit">Send</button>
  <p id="error" role="alert"></p>
</form>
</main>
<script src="/socket.io/socket.io.min.js" nonce="${nonce}"></script>
<script nonce="${nonce}">
(() => {
  const token = location.pathname.split('/').pop();
  const list = document.getElementById('messages');
  const seen = new Set();
  function show(m) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    const li = document.createElement('li');
    li.className = m.from;
    li.dataset.id = m.id;
    const who = document.createElement('small');
    who.textContent = (m.from === 'agent' ? 'Support' : 'You') + ' · ' + new Date(m.createdAt).toLocaleString();
    const text = document.createElement('div');
    text.textContent = m.text;
    li.append(who, text);
    list.append(li);
  }
  async function load() {
    const res = await fetch('/c/' + encodeURIComponent(token) + '/messages');
    if (!res.ok) { document.getElementById('error').textContent = 'This link is unknown or has expired.'; return; }
    const body = await res.json();
    if (body.expired) {
      // Nothing of the conversation shows on an old link; the customer can still write.
      document.getElementById('intro').textContent = 'This link has expired. You can still write to us: we will find your earlier conversation and answer you.';
      return;
    }
    body.items.forEach(show);
  }
  const socket = io('/portal', { auth: { token } });
  socket.on('message.created', (e) => show(e.message));
  socket.on('connect', load);
  socket.on('connect_error', () => { if (!seen.size) load(); });
  const form = document.getElementById('reply');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const field = document.getElementById('text');
    const key = crypto.randomUUID();
    const res = await fetch('/c/' + encodeURIComponent(token) + '/messages', {
      method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ text: field.value })
    });
    const body = await res.json();
    if (!res.ok) { document.getElementById('error').textContent = body.error.message; return; }
    document.getElementById('error').textContent = '';
    field.value = '';
    if (body.continueAt) { location.replace(body.continueAt); return; }
    show(body.message);
  });
})();
</script>
</body>
</html>`;
}
