import { describe, expect, it } from 'vitest';
import { mediaTarget } from './graph.ts';

// The access token goes with a media download: only to Meta's own media hosts, or back to the
// Graph API's own address (a proxy, a test peer).
describe('where a media download may go', () => {
  const graph = 'https://graph.facebook.com';

  it('takes Meta’s media hosts over HTTPS and the Graph API’s own origin', () => {
    expect(mediaTarget('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1', graph).host).toBe('lookaside.fbsbx.com');
    expect(mediaTarget('https://mmg.whatsapp.net/v/t62/1.enc', graph).host).toBe('mmg.whatsapp.net');
    expect(mediaTarget('http://127.0.0.1:4100/media/1/download', 'http://127.0.0.1:4100').port).toBe('4100');
  });

  it('refuses plain HTTP, other hosts, internal addresses and look-alikes, before the token leaves', () => {
    for (const url of [
      'http://lookaside.fbsbx.com/x',
      'https://169.254.169.254/latest/meta-data/',
      'https://evil.example/fbsbx.com',
      'https://fbsbx.com.evil.example/x',
      'http://127.0.0.1:4100/x',
      'not a url',
    ]) {
      expect(() => mediaTarget(url, graph), url).toThrow(/media URL/);
    }
  });
});
