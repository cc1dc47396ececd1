import WebSocket from 'ws';
import { TEST_JWT_SECRET, badTokens, tokenFor } from '../support/tokens';
import { RunningEmulator, startTestEmulator } from '../support/emulator';
import { TEST_REDIS_URL, cleanupFunding, fundCompany } from '../support/gateway';
import { deleteKeys } from '../support/redis-keys';
import { TestClient } from '../support/ws-client';
import { AppProcess, GATEWAY_ENTRY, ensureBuilt, startGatewayProcess, streamUrl } from '../ops/app-process';

const PREFIX = `privacy-${process.pid}-${Date.now()}`;
const DEEPGRAM_KEY = `dg-secret-${process.pid}-c0ffee5ca1ab1e`;
const WRONG_DEEPGRAM_KEY = `dg-wrong-${process.pid}-badc0ffee0ddf00d`;
/** Distinctive words that only ever appear in what the users speak. */
const SPOKEN = ['Xylophonic', 'Quetzalcoatlus', 'Brandywine', 'Zarzaparrilla', 'Mnemosyne', 'Kumquat'];
let counter = 0;

interface Session {
  client: TestClient;
  secrets: string[];
}

/** Opens a session like a user would and remembers which secrets it carried. */
async function openSession(
  gateway: AppProcess,
  how: { via?: 'query' | 'header' | 'cookie'; token?: string; claimsUser?: string },
): Promise<Session> {
  const n = ++counter;
  const query: Record<string, string> = { company_id: `${PREFIX}-${n}`, user_id: `u${n}`, session_id: `s${n}` };
  await fundCompany(query.company_id);
  const token = how.token ?? (await tokenFor(query.company_id, how.claimsUser ?? query.user_id));
  const headers: Record<string, string> = {};
  const options: WebSocket.ClientOptions = { headers };
  if ((how.via ?? 'query') === 'query') query.token = token;
  if (how.via === 'header') headers.authorization = `Bearer ${token}`;
  if (how.via === 'cookie') {
    headers.cookie = `tts_token=${token}`;
    options.origin = `http://127.0.0.1:${gateway.port}`;
  }
  return {
    client: await TestClient.connect(streamUrl(gateway, query), options),
    secrets: [token, token.split('.')[2]],
  };
}

async function speakAndClose({ client }: Session, text: string): Promise<void> {
  client.send({ model: 'aura-2-thalia-en', container: 'none' });
  client.send({ type: 'Speak', text });
  client.send({ type: 'Flush' });
  await client.waitFor('Flushed');
  client.send({ type: 'Close' });
  expect((await client.waitForClose()).code).toBe(1000);
}

async function expectEnded({ client }: Session, code: string, closeCode: number): Promise<void> {
  const close = await client.waitForClose();
  expect(client.texts.filter((m) => m.type === 'error').map((m) => m.code)).toContain(code);
  expect(close.code).toBe(closeCode);
}

/** Everything the client could see: text frames, audio as text (for safety), close reasons. */
function clientView(sessions: Session[]): string {
  return sessions.map(({ client }) => JSON.stringify(client.received) + JSON.stringify(client.texts)).join('\n');
}

describe('privacy: no key, token or spoken text in logs or client frames', () => {
  let emulator: RunningEmulator;
  let gateway: AppProcess;
  let misconfigured: AppProcess;
  const sessions: Session[] = [];

  beforeAll(async () => {
    ensureBuilt([GATEWAY_ENTRY]);
    emulator = await startTestEmulator({ apiKey: DEEPGRAM_KEY });
    const env = {
      DEEPGRAM_URL: emulator.url,
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      AUTH_DISABLED: 'false',
      REDIS_URL: TEST_REDIS_URL,
      // Usage jobs stay in this file's own queue, never in a developer's default `bull:tts-usage`.
      BULLMQ_PREFIX: PREFIX,
      LOG_LEVEL: 'trace',
      DRAIN_TIMEOUT_MS: '1000',
      CLIENT_MESSAGES_PER_SECOND: '5',
      CLIENT_MESSAGE_BURST: '5',
    };
    [gateway, misconfigured] = await Promise.all([
      startGatewayProcess({ ...env, DEEPGRAM_API_KEY: DEEPGRAM_KEY }),
      startGatewayProcess({ ...env, DEEPGRAM_API_KEY: WRONG_DEEPGRAM_KEY }),
    ]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([gateway?.stop(), misconfigured?.stop()]);
    await emulator?.close();
    await cleanupFunding();
    await deleteKeys(`${PREFIX}:*`);
  });

  it('keeps every secret out of every log line and every frame, on good and error paths', async () => {
    const track = async (s: Promise<Session>) => {
      const session = await s;
      sessions.push(session);
      return session;
    };
    // Good sessions, one per way of sending the token.
    await speakAndClose(await track(openSession(gateway, { via: 'query' })), `${SPOKEN[0]} rides at dawn.`);
    await speakAndClose(await track(openSession(gateway, { via: 'header' })), `The ${SPOKEN[1]} flies.`);
    await speakAndClose(await track(openSession(gateway, { via: 'cookie' })), `${SPOKEN[2]} river. `.repeat(300));

    // Refused credentials: forged, expired, somebody else's.
    const forged = await badTokens.forged('x', 'y');
    await expectEnded(await track(openSession(gateway, { token: forged })), 'unauthorized', 4401);
    await expectEnded(
      await track(openSession(gateway, { via: 'header', token: await badTokens.expired('x', 'y') })),
      'unauthorized',
      4401,
    );
    await expectEnded(await track(openSession(gateway, { via: 'cookie', claimsUser: 'mallory' })), 'forbidden', 4403);

    // Bad config after text is queued, broken JSON quoting the text, a flood of text.
    const badConfig = await track(openSession(gateway, {}));
    badConfig.client.send({ model: `aura-2-${SPOKEN[3]}-en` });
    await expectEnded(badConfig, 'invalid_request', 4400);
    const broken = await track(openSession(gateway, {}));
    broken.client.sendRaw(`{"type":"Speak","text":"${SPOKEN[3]} is spoken`);
    for (let i = 0; i < 10; i++) broken.client.send({ type: 'Speak', text: `${SPOKEN[4]} ${i}` });
    broken.client.send({ type: 'Speak', text: SPOKEN[4], extra: { __proto__: SPOKEN[4] } });
    await broken.client.waitFor((m) => m.type === 'error' && m.code === 'rate_limited');
    broken.client.close();

    // Upstream refuses our (wrong) key: 401 upstream_error to the client, nothing secret anywhere.
    const refusedUpstream = await track(openSession(misconfigured, {}));
    refusedUpstream.client.send({ model: 'aura-2-thalia-en' });
    refusedUpstream.client.send({ type: 'Speak', text: `${SPOKEN[5]} never reaches Deepgram.` });
    refusedUpstream.client.send({ type: 'Flush' });
    await expectEnded(refusedUpstream, 'upstream_error', 1011);

    await Promise.all([gateway.stop(), misconfigured.stop()]);
    const logs = [...gateway.logs, ...misconfigured.logs].map((line) => JSON.stringify(line));

    // The capture is real: structured lines about these very sessions, errors included.
    expect(logs.length).toBeGreaterThan(20);
    expect(logs.filter((l) => l.includes(`${PREFIX}-1"`) && l.includes('session admitted'))).toHaveLength(1);
    expect(logs.some((l) => l.includes('"level":50') || l.includes('"level":40'))).toBe(true);
    expect(logs.some((l) => l.includes('401'))).toBe(true);

    const forbidden = [
      DEEPGRAM_KEY,
      WRONG_DEEPGRAM_KEY,
      TEST_JWT_SECRET,
      ...sessions.flatMap((s) => s.secrets),
      ...SPOKEN,
    ];
    const view = clientView(sessions);
    for (const secret of forbidden) {
      expect(logs.filter((l) => l.includes(secret))).toEqual([]);
      expect(view.includes(secret) ? secret : undefined).toBeUndefined();
    }
  }, 45_000);
});
