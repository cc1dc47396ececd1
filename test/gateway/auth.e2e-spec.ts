import WebSocket from 'ws';
import { RunningEmulator, startTestEmulator } from '../support/emulator';
import { TestGateway, cleanupFunding, fundCompany, startGateway, useRelayStack } from '../support/gateway';
import { badTokens, testAuthEnv, tokenFor } from '../support/tokens';
import { TestClient } from '../support/ws-client';

const PREFIX = `auth-${process.pid}`;
let counter = 0;

interface Attempt {
  token?: string;
  via?: 'query' | 'header' | 'cookie';
  origin?: string;
  companyId?: string;
  userId?: string;
  /** A cookie sent besides the credential (e.g. a stale one). */
  extraCookie?: string;
  /** Claims of the minted token, when they should differ from the query. */
  claims?: { companyId: string; userId: string };
}

/** Connects as a user would: ids in the query, a credential in one of the three places. */
async function attempt(gateway: TestGateway, a: Attempt): Promise<TestClient> {
  const n = ++counter;
  const query: Record<string, string> = {
    company_id: a.companyId ?? `${PREFIX}-co-${n}`,
    user_id: a.userId ?? `user-${n}`,
    session_id: `s-${n}`,
  };
  await fundCompany(query.company_id);
  const token =
    'token' in a ? a.token : await tokenFor(a.claims?.companyId ?? query.company_id, a.claims?.userId ?? query.user_id);
  const headers: Record<string, string> = {};
  if (token !== undefined && a.via === 'header') headers.authorization = `Bearer ${token}`;
  if (token !== undefined && a.via === 'cookie') headers.cookie = `theme=dark; tts_token=${token}`;
  if (a.extraCookie) headers.cookie = a.extraCookie;
  if (token !== undefined && (a.via ?? 'query') === 'query') query.token = token;
  const options: WebSocket.ClientOptions = { headers, ...(a.origin ? { origin: a.origin } : {}) };
  return TestClient.connect(gateway.streamUrl(query), options);
}

const sameHost = (gateway: TestGateway) => `http://127.0.0.1:${gateway.port}`;

/** The user's view of an admitted session: the upstream opens after the Config. */
async function expectAdmitted(client: TestClient): Promise<void> {
  client.send({ model: 'aura-2-celeste-es' });
  expect(await client.waitFor((m) => m.type === 'status')).toMatchObject({ message: 'Deepgram TTS connected' });
  client.close();
}

async function expectRefused(client: TestClient, code: string, closeCode: number, secret?: string): Promise<void> {
  const close = await client.waitForClose();
  expect(client.texts).toEqual([{ type: 'error', code, message: expect.any(String) }]);
  expect(close.code).toBe(closeCode);
  if (secret) expect(JSON.stringify(client.texts) + close.reason).not.toContain(secret);
}

describe('gateway auth', () => {
  let gateway: TestGateway;

  useRelayStack((stack) => ({ gateway } = stack), { gateway: testAuthEnv });

  it.each(['query', 'header'] as const)('admits a valid token sent in the %s', async (via) => {
    await expectAdmitted(await attempt(gateway, { via }));
  });

  it('admits a valid tts_token cookie from a same-host page', async () => {
    await expectAdmitted(await attempt(gateway, { via: 'cookie', origin: sameHost(gateway) }));
  });

  it('refuses a connection without any credential with unauthorized 4401', async () => {
    await expectRefused(await attempt(gateway, { token: undefined }), 'unauthorized', 4401);
  });

  it.each(Object.keys(badTokens) as (keyof typeof badTokens)[])(
    'refuses a %s token with unauthorized 4401, in every place it can be sent',
    async (kind) => {
      for (const via of ['query', 'header', 'cookie'] as const) {
        const companyId = `${PREFIX}-bad-${kind}-${via}`;
        const token = await badTokens[kind](companyId, 'u1');
        const origin = via === 'cookie' ? sameHost(gateway) : undefined;
        await expectRefused(
          await attempt(gateway, { token, via, origin, companyId, userId: 'u1' }),
          'unauthorized',
          4401,
          token,
        );
      }
    },
  );

  it('refuses a valid token for another user or another company with forbidden 4403', async () => {
    const otherUser = await attempt(gateway, {
      claims: { companyId: `${PREFIX}-x`, userId: 'mallory' },
      companyId: `${PREFIX}-x`,
      userId: 'alice',
    });
    await expectRefused(otherUser, 'forbidden', 4403);
    const otherCompany = await attempt(gateway, {
      via: 'header',
      claims: { companyId: `${PREFIX}-y`, userId: 'alice' },
      companyId: `${PREFIX}-z`,
      userId: 'alice',
    });
    await expectRefused(otherCompany, 'forbidden', 4403);
  });

  it('lets an explicit token win over a stale cookie', async () => {
    const stale = await badTokens.expired('whoever', 'u');
    await expectAdmitted(await attempt(gateway, { via: 'query', extraCookie: `tts_token=${stale}` }));
  });
});

describe('gateway origins (cross-site WebSocket hijacking)', () => {
  const APP = 'https://app.example.com';
  const EVIL = 'https://evil.example';
  let emulator: RunningEmulator;
  let open: TestGateway;
  let listed: TestGateway;
  let noAuth: TestGateway;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    [open, listed, noAuth] = await Promise.all([
      startGateway({ ...testAuthEnv, DEEPGRAM_URL: emulator.url }),
      startGateway({ ...testAuthEnv, DEEPGRAM_URL: emulator.url, ALLOWED_ORIGINS: `${APP}, http://localhost:3000` }),
      startGateway({ AUTH_DISABLED: 'true', DEEPGRAM_URL: emulator.url }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open?.close(), listed?.close(), noAuth?.close()]);
    await emulator?.close();
    await cleanupFunding();
  });

  it('refuses a cookie sent by a foreign page with forbidden 4403, listed or not', async () => {
    await expectRefused(await attempt(open, { via: 'cookie', origin: EVIL }), 'forbidden', 4403);
    await expectRefused(await attempt(listed, { via: 'cookie', origin: EVIL }), 'forbidden', 4403);
    await expectRefused(await attempt(listed, { via: 'cookie', origin: 'null' }), 'forbidden', 4403);
  });

  it('refuses a cookie without an Origin: only browsers hold it, and browsers send one', async () => {
    await expectRefused(await attempt(open, { via: 'cookie' }), 'forbidden', 4403);
  });

  it('admits a cookie from a listed origin or the same host', async () => {
    await expectAdmitted(await attempt(listed, { via: 'cookie', origin: APP }));
    await expectAdmitted(await attempt(listed, { via: 'cookie', origin: 'http://localhost:3000' }));
    await expectAdmitted(await attempt(listed, { via: 'cookie', origin: sameHost(listed) }));
  });

  it('with ALLOWED_ORIGINS set, refuses foreign pages whatever the credential', async () => {
    await expectRefused(await attempt(listed, { via: 'query', origin: EVIL }), 'forbidden', 4403);
    await expectAdmitted(await attempt(listed, { via: 'query', origin: APP }));
  });

  it('admits explicit tokens from servers (no Origin) and, without ALLOWED_ORIGINS, from any page', async () => {
    await expectAdmitted(await attempt(listed, { via: 'header' }));
    await expectAdmitted(await attempt(open, { via: 'query', origin: EVIL }));
  });

  it('checks the token before the origin: a foreign page without a token learns nothing more', async () => {
    await expectRefused(await attempt(listed, { token: undefined, origin: EVIL }), 'unauthorized', 4401);
  });

  it('with AUTH_DISABLED, admits without a token but still refuses foreign pages', async () => {
    await expectAdmitted(await attempt(noAuth, { token: undefined }));
    await expectAdmitted(await attempt(noAuth, { token: undefined, origin: sameHost(noAuth) }));
    await expectRefused(await attempt(noAuth, { token: undefined, origin: EVIL }), 'forbidden', 4403);
  });
});
