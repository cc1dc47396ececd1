import Redis from 'ioredis';
import { RedisNamespace, toReportedNumber } from '@tts/protocol';
import { TEST_REDIS_URL, TestGateway, cleanupFunding, fundCompany, startGateway } from '../support/gateway';
import { badTokens, testAuthEnv, tokenFor } from '../support/tokens';

const PREFIX = `balance-route-${process.pid}`;

describe('GET /v1/balance', () => {
  let gateway: TestGateway;
  let redis: Redis;
  let balanceKey: string;
  const company = `${PREFIX}-a`;
  const other = `${PREFIX}-b`;
  const get = (query = '', headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${gateway.port}/v1/balance${query}`, { headers });

  beforeAll(async () => {
    gateway = await startGateway({ ...testAuthEnv, DEEPGRAM_URL: 'ws://127.0.0.1:9/v1/speak' });
    redis = new Redis(TEST_REDIS_URL);
    await fundCompany(other, 5);
    // The exact decimal billing writes (numeric with 18 decimals).
    balanceKey = new RedisNamespace(gateway.env.BULLMQ_PREFIX).balanceKey(company);
    await redis.set(balanceKey, '12.345678912345678912');
  });
  afterAll(async () => {
    await redis.del(balanceKey);
    redis.disconnect();
    await cleanupFunding();
    await gateway.close();
  });

  it("reads the token's own company balance, exact and rounded, from the Bearer header, the query or the cookie", async () => {
    const token = await tokenFor(company, 'u1');
    const expected = { company_id: company, balance_credits: 12.345679, balance_exact: '12.345678912345678912' };
    for (const response of [
      await get('', { authorization: `Bearer ${token}` }),
      await get(`?token=${token}`),
      await get(`?company_id=${company}`, { cookie: `tts_token=${token}` }),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual(expected);
    }
  });

  it('gives a page of another site nothing it may read: no CORS headers, whatever the Origin', async () => {
    const token = await tokenFor(company, 'u1');
    const response = await get('', { cookie: `tts_token=${token}`, origin: 'https://evil.example' });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it("never reads another company's balance: 403 when asked for one", async () => {
    const token = await tokenFor(company, 'u1');
    const response = await get(`?company_id=${other}`, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(403);
    expect(await response.json()).not.toHaveProperty('balance_credits');
  });

  it('refuses a request without a token with 401', async () => {
    const response = await get();
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'missing token' });
  });

  // The same list of tokens the WebSocket refuses with 4401 (auth.e2e-spec.ts): one check serves both.
  it.each(Object.keys(badTokens) as (keyof typeof badTokens)[])(
    'refuses a token of kind %s with 401 wherever it is carried, never echoing it',
    async (kind) => {
      const token = await badTokens[kind](company, 'u1');
      for (const response of [
        await get('', { authorization: `Bearer ${token}` }),
        await get(`?token=${encodeURIComponent(token)}`),
        await get('', { cookie: `tts_token=${token}` }),
      ]) {
        expect(response.status).toBe(401);
        const body = await response.text();
        expect(body).not.toContain(token);
        expect(body).not.toContain('balance_credits');
      }
    },
  );

  it('names the broken rule, as the WebSocket error frame does: too long-lived, issued in the future', async () => {
    const longLived = await get('', { authorization: `Bearer ${await badTokens.longLived(company, 'u1')}` });
    expect(await longLived.json()).toMatchObject({ statusCode: 401, message: 'token lifetime exceeds 86400 s' });
    const future = await get('', { authorization: `Bearer ${await badTokens.issuedInFuture(company, 'u1')}` });
    expect(await future.json()).toMatchObject({ statusCode: 401, message: 'token issued in the future' });
  });

  it('rounds as billing does (half away from zero), and answers 503 for a cached value that is not a decimal', async () => {
    const token = await tokenFor(company, 'u1');
    try {
      for (const [cached, rounded] of [
        ['-2.500000500000000000', -2.500001],
        ['2.500000500000000000', 2.500001],
        ['0.000000499999999999', 0],
      ] as const) {
        await redis.set(balanceKey, cached);
        const body = (await (await get('', { authorization: `Bearer ${token}` })).json()) as Record<string, unknown>;
        expect(body).toEqual({ company_id: company, balance_credits: rounded, balance_exact: cached });
        expect(body.balance_credits).toBe(toReportedNumber(cached)); // billing's own figure
      }
      await redis.set(balanceKey, 'not-a-number');
      expect((await get('', { authorization: `Bearer ${token}` })).status).toBe(503);
    } finally {
      await redis.set(balanceKey, '12.345678912345678912');
    }
  });

  it('answers 404 for a company billing has not cached, and 400 for a malformed company_id', async () => {
    const unknown = `${PREFIX}-unknown`;
    const token = await tokenFor(unknown, 'u1');
    expect((await get('', { authorization: `Bearer ${token}` })).status).toBe(404);
    expect((await get('?company_id=bad%20id', { authorization: `Bearer ${token}` })).status).toBe(400);
  });

  it('with auth off (local development) reads the company named in the query, and needs one', async () => {
    const open = await startGateway({ DEEPGRAM_URL: 'ws://127.0.0.1:9/v1/speak' });
    try {
      await fundCompany(other, 5, open.env.BULLMQ_PREFIX);
      const url = `http://127.0.0.1:${open.port}/v1/balance`;
      expect((await fetch(url)).status).toBe(400);
      const response = await fetch(`${url}?company_id=${other}`);
      expect(await response.json()).toMatchObject({ company_id: other, balance_credits: 5, balance_exact: '5' });
    } finally {
      await open.close();
    }
  });
});
