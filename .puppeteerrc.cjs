// whatsapp-web.js drives the system's Chromium (`chromiumPath`, /usr/bin/chromium on Debian):
// puppeteer must never download a browser of its own, even on a plain `npm install`.
module.exports = { skipDownload: true };
