import { RunningEmulator, startTestEmulator } from '../support/emulator';
import { TEST_REDIS_URL, deleteNamespace } from '../support/gateway';
import { rawRequest } from '../support/raw-http';
import { pollUntil } from '../support/poll';
import { TEST_JWT_SECRET, tokenFor } from '../support/tokens';
import { AppProcess, GATEWAY_ENTRY, ensureBuilt, startGatewayProcess } from '../ops/app-process';

const NAMESPACE = `test-http-fuzz-${process.pid}`;
const LONG = 'a'.repeat(6000);

interface Case {
  method: string;
  target: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Bad values for a query parameter or a path segment: NUL, broken %-escapes, huge, odd Unicode, arrays. */
const BAD_VALUES = [
  '%00',
  'a%00b',
  '%zz',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  LONG,
  '%F0%9F%92%A9',
  '..%2f..%2fpackage.json',
  '%2e%2e',
];
const ROUTES = [
  '/',
  '/v1/balance',
  '/client/tts-client.js',
  '/client/tts-client.js.map',
  '/client/%s/tts-client.js',
  '/client/%s/tts-client.js.map',
  '/demo/%s',
  '/favicon.ico',
  '/health/live',
  '/health/ready',
  '/metrics',
  '/%s',
  '/nope/%s',
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO'];

function cases(jwt: string): Case[] {
  const all: Case[] = [];
  for (const route of ROUTES) {
    const paths = route.includes('%s') ? BAD_VALUES.map((v) => route.replace('%s', v)) : [route];
    for (const path of paths) {
      all.push({ method: 'GET', target: path });
      for (const value of BAD_VALUES) {
        all.push({ method: 'GET', target: `${path}?company_id=${value}` });
        all.push({ method: 'GET', target: `${path}?${value}=${value}` });
      }
    }
    for (const method of METHODS) all.push({ method, target: route.replace('%s', 'x') });
  }
  const balance = '/v1/balance';
  for (const value of BAD_VALUES) {
    for (const query of [`company_id=${value}`, `token=${value}`, `access_token=${value}&company_id=co`]) {
      all.push({ method: 'GET', target: `${balance}?${query}`, headers: { Authorization: `Bearer ${jwt}` } });
    }
    all.push({ method: 'GET', target: balance, headers: { Authorization: `Bearer ${value}` } });
    all.push({ method: 'GET', target: balance, headers: { 'Sec-WebSocket-Protocol': `bearer, ${value}` } });
    all.push({ method: 'GET', target: balance, headers: { Cookie: `token=${value}` } });
  }
  for (const query of [
    'company_id[]=co',
    'company_id[a]=co',
    'company_id=co&company_id=co',
    'company_id=',
    `token=${jwt}&token=${jwt}`,
  ]) {
    all.push({ method: 'GET', target: `${balance}?${query}`, headers: { Authorization: `Bearer ${jwt}` } });
  }
  for (const [type, body] of [
    ['application/json', '{"company_id":'],
    ['application/json', `{"a":"${'x'.repeat(200_000)}"}`],
    ['application/x-www-form-urlencoded', 'a=%zz&b[c][d]=%00'],
    ['text/plain', '\u0000'],
  ]) {
    for (const target of ['/', balance, '/metrics', '/nope']) {
      all.push({ method: 'POST', target, headers: { 'Content-Type': type }, body });
    }
  }
  all.push({ method: 'GET', target: `/${'a'.repeat(20_000)}` });
  all.push({ method: 'GET', target: `${balance}?company_id=${'a'.repeat(20_000)}` });
  all.push({ method: 'GET', target: '/v1/balance', headers: { Authorization: 'Bearer' } });
  all.push({ method: 'GET', target: '/v1/balance', headers: { Authorization: 'Basic %zz' } });
  return all;
}

/**
 * Table-driven: every HTTP route of a real gateway process under bad methods, paths, query parameters,
 * credentials and bodies answers 2xx-4xx, never a 5xx, and logs no error.
 */
describe('gateway HTTP routes under bad input', () => {
  let gateway: AppProcess;
  let emulator: RunningEmulator;

  beforeAll(async () => {
    await ensureBuilt([GATEWAY_ENTRY]);
    emulator = await startTestEmulator();
    gateway = await startGatewayProcess({
      REDIS_URL: TEST_REDIS_URL,
      BULLMQ_PREFIX: NAMESPACE,
      DEEPGRAM_URL: emulator.url,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      AUTH_DISABLED: 'false',
      DEMO_PAGE: 'true',
    });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await emulator?.close();
    await deleteNamespace(NAMESPACE);
  });

  it('answers every bad request with a status below 500', async () => {
    const failures: string[] = [];
    const table = cases(await tokenFor('fuzz-co', 'fuzz-user'));
    for (const { method, target, headers, body } of table) {
      const { status } = await rawRequest(gateway.port, method, target, headers, body);
      if (status < 200 || status >= 500)
        failures.push(`${status} ${method} ${target.slice(0, 100)} ${JSON.stringify(headers ?? {})}`);
    }
    expect(failures).toEqual([]);
    expect(table.length).toBeGreaterThan(500);
    expect((await rawRequest(gateway.port, 'GET', '/health/live')).status).toBe(200);
    // Log lines are written in order, in batches: once this last request's line is in, all are.
    expect((await rawRequest(gateway.port, 'GET', '/fuzz-done')).status).toBe(404);
    await pollUntil(
      () => gateway.logs.some((line) => JSON.stringify(line.req ?? '').includes('/fuzz-done')),
      (seen) => seen,
      5000,
      'the last request logged',
    );
    const errors = gateway.logs.filter((line) => Number(line.level) >= 50);
    expect(errors).toEqual([]);
  }, 120_000);

  it('names the problem with the status a client can act on', async () => {
    const jwt = { Authorization: `Bearer ${await tokenFor('fuzz-co', 'fuzz-user')}` };
    const expected: Array<[string, string, Record<string, string>, number, RegExp]> = [
      ['GET', '/v1/balance?company_id=a%00b', jwt, 400, /company_id must be 1-128 characters/],
      ['GET', '/v1/balance?company_id=%zz', jwt, 400, /company_id must be 1-128 characters/],
      // The query parser is Express's simple one: `company_id[]` is another, unknown parameter.
      ['GET', '/v1/balance?company_id[]=other-co', jwt, 404, /no balance known/],
      ['GET', '/v1/balance?company_id=fuzz-co&company_id=fuzz-co', jwt, 400, /company_id must be/],
      ['GET', '/v1/balance?company_id=other-co', jwt, 403, /does not match/],
      ['GET', '/v1/balance', { Authorization: 'Bearer %zz' }, 401, /token/],
      ['GET', '/v1/balance', { Cookie: 'token=%zz' }, 401, /token/],
      ['GET', '/client/%zz/tts-client.js', {}, 400, /decode/],
      ['GET', '/client/0000/tts-client.js', {}, 404, /not served here/],
      ['GET', '/demo/..%2f..%2fpackage.json', {}, 404, /Not Found/],
      ['DELETE', '/metrics', {}, 404, /Cannot DELETE/],
      ['GET', `/${'a'.repeat(20_000)}`, {}, 431, /^/],
      ['FOO', '/', {}, 400, /^/],
    ];
    const answers = [];
    for (const [method, target, headers] of expected)
      answers.push(await rawRequest(gateway.port, method, target, headers));
    expect(answers.map((a) => a.status)).toEqual(expected.map(([, , , status]) => status));
    answers.forEach((answer, i) => expect(answer.body).toMatch(expected[i][4]));
  }, 60_000);
});
