/** A plain landing page until the console (apps/console) is served here. */
export function renderHomePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Centralita</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>Centralita is running</h1>
<p>An omnichannel conversation router. This node serves:</p>
<ul>
<li><a href="/healthz">/healthz</a>: health, with the database state</li>
<li><a href="/api/v1/openapi.json">/api/v1/openapi.json</a>: the REST API description</li>
<li><code>/webhooks/&lt;channel account id&gt;</code>: channel webhooks and the web-form pages</li>
</ul>
<p>Sign in through <code>POST /api/v1/auth/login</code>; see the README for the demo users.</p>
</body></html>`;
}
