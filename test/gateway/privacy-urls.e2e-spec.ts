import { TTS_STREAM_PATH } from '@tts/protocol';
import { TEST_JWT_SECRET, tokenFor } from '../support/tokens';
import { AppProcess } from '../ops/app-process';
import { ServicePair, startServicePair } from '../ops/service-pair';

const ADMIN_TOKEN = `admin-secret-${process.pid}-5ca1ab1e0ddba11`;
const DEEPGRAM_KEY = `dg-secret-${process.pid}-0ddba115ca1ab1e`;

/** Every way a client could spell a credential in a query string: case, percent-encoding, aliases. */
const SPELLINGS = (secret: string): string[] => {
  const encoded = encodeURIComponent(secret);
  return [
    `token=${secret}`,
    `TOKEN=${secret}`,
    `Token=${encoded}`,
    `%74oken=${secret}`,
    `%54OKEN=${secret}`,
    `tok%65n=${encoded}`,
    `%2574oken=${secret}`,
    `access_token=${secret}`,
    `Access_Token=${secret}`,
    `api_key=${secret}`,
    `token[]=${secret}`,
    `token%5B%5D=${secret}`,
    `token%3D${encoded}`,
    `a=1&token=${secret}&b=2`,
    `password=${secret}`,
  ];
};

/** Every way a client or a proxy could put a credential into a request header. */
const HEADER_SPELLINGS = (secret: string): Record<string, string> => ({
  'Proxy-Authorization': `Bearer ${secret}`,
  'X-Api-Key': secret,
  'Api-Key': secret,
  'X-Auth-Token': secret,
  'X-Access-Token': secret,
  'X-Client-Secret': secret,
  'X-Hub-Signature-256': `sha256=${secret}`,
  'X-Amzn-Oidc-Data': secret,
  'X-Amzn-Oidc-Accesstoken': secret,
  Cookie: `session=${secret}`,
  Referer: `https://app.example/demo?company_id=privacy-co&token=${secret}`,
  'X-Original-Url': `/client/?%74oken=${encodeURIComponent(secret)}`,
  'X-Debug-Note': `carried ${secret} along`,
});

async function request(app: AppProcess, path: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.baseUrl}${path}?${query}`, { headers });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Logs at trace level while every route of both services is called with credentials in the URL,
 * spelled every way a query parser would still read as a credential: none of them may be logged.
 */
describe('privacy: credentials in URLs and headers never reach a log line', () => {
  let pair: ServicePair;
  let gateway: AppProcess;
  let billing: AppProcess;

  beforeAll(async () => {
    pair = await startServicePair('privacy-urls', {
      shared: { LOG_LEVEL: 'trace' },
      emulator: { apiKey: DEEPGRAM_KEY },
      billing: { BILLING_ADMIN_TOKEN: ADMIN_TOKEN },
      gateway: {
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        AUTH_DISABLED: 'false',
        DEEPGRAM_API_KEY: DEEPGRAM_KEY,
        DEMO_PAGE: 'true',
      },
    });
    ({ gateway, billing } = pair);
  }, 60_000);
  afterAll(() => pair?.stop());

  it('masks client tokens, the admin token and the Deepgram key in URLs and headers on every route, however they are spelled', async () => {
    const jwt = await tokenFor('privacy-co', 'privacy-user');
    const gatewayRoutes = [
      '/',
      '/client/tts-client.js',
      '/health/live',
      '/health/ready',
      '/metrics',
      TTS_STREAM_PATH,
      '/nope',
    ];
    const billingRoutes = [
      '/v1/companies/privacy-co',
      '/v1/companies/privacy-co/usage',
      '/health/ready',
      '/metrics',
      '/docs',
      '/admin/queues',
      '/nope',
    ];
    const statuses: number[] = [];
    for (const path of gatewayRoutes) {
      for (const query of [...SPELLINGS(jwt), `q=${DEEPGRAM_KEY}`]) statuses.push(await request(gateway, path, query));
      for (const secret of [jwt, DEEPGRAM_KEY])
        statuses.push(await request(gateway, path, 'a=1', HEADER_SPELLINGS(secret)));
    }
    const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const path of billingRoutes) {
      for (const query of SPELLINGS(ADMIN_TOKEN)) {
        statuses.push(await request(billing, path, query));
        statuses.push(await request(billing, path, query, bearer));
      }
      statuses.push(await request(billing, path, 'a=1', HEADER_SPELLINGS(ADMIN_TOKEN)));
      statuses.push(await request(billing, path, 'a=1', { ...HEADER_SPELLINGS(ADMIN_TOKEN), ...bearer }));
      statuses.push(await request(billing, path, 'a=1', HEADER_SPELLINGS(jwt)));
    }
    // Log lines are written as the responses finish; stopping flushes them.
    await Promise.all([gateway.stop(), billing.stop()]);
    const logs = [...gateway.logs, ...billing.logs].map((line) => JSON.stringify(line));

    // The capture is real: request lines of both services, at trace level, for these very calls.
    expect(statuses.every((s) => s < 500)).toBe(true);
    const requestLines = (service: string) =>
      logs.filter((l) => l.includes(`"service":"${service}"`) && l.includes('"url":"/'));
    expect(requestLines('gateway').length).toBeGreaterThan(gatewayRoutes.length * 10);
    expect(requestLines('billing').length).toBeGreaterThan(billingRoutes.length * 10);
    expect(logs.some((l) => l.includes('[redacted]'))).toBe(true);
    // The header spellings were logged (as masked headers), on both services.
    for (const service of ['gateway', 'billing']) {
      expect(requestLines(service).some((l) => l.includes('"x-amzn-oidc-data":"[redacted]"'))).toBe(true);
      expect(requestLines(service).some((l) => l.includes('token=[redacted]'))).toBe(true);
    }

    const secrets = [jwt, jwt.split('.')[2], encodeURIComponent(jwt), ADMIN_TOKEN, DEEPGRAM_KEY, TEST_JWT_SECRET];
    for (const secret of secrets) expect(logs.filter((l) => l.includes(secret))).toEqual([]);
  }, 90_000);
});
