import { describe, expect, it } from 'vitest';
import { submissionSchema } from './submission.ts';

const base = { name: 'Lucía', email: 'lucia@example.es', message: 'Sin fibra desde las 8' };
const parse = (fields: Record<string, unknown>) => submissionSchema(4000).safeParse({ ...base, ...fields });

describe('the form region field', () => {
  it('takes an ISO 3166-2 code in any case, stores it upper case and fills the country from it', () => {
    expect(parse({ region: 'es-md' }).data).toMatchObject({ region: 'ES-MD', country: 'ES' });
    expect(parse({ region: 'ES-M', country: 'es' }).data).toMatchObject({ region: 'ES-M', country: 'ES' });
    const blank = parse({ region: ' ' }).data;
    expect([blank?.region, blank?.country]).toEqual([undefined, undefined]);
  });

  it('refuses a malformed region, and one outside the given country, naming the field', () => {
    for (const region of ['Madrid', 'ESMD', 'ES-MADR', 'E-MD']) {
      expect(parse({ region }).error?.issues).toEqual([
        expect.objectContaining({ path: ['region'], message: 'region must be an ISO 3166-2 code such as ES-MD' }),
      ]);
    }
    expect(parse({ region: 'ES-MD', country: 'FR' }).error?.issues).toEqual([
      expect.objectContaining({ path: ['region'], message: 'region must be in the given country' }),
    ]);
  });
});
