import { once } from 'events';
import { readFileSync } from 'fs';
import { connect } from 'tls';
import { RunningEmulator, expectedAudioBytes, startTestEmulator } from '../support/emulator';
import { TEST_REDIS_URL, cleanupFunding, deleteNamespace, fundCompany } from '../support/gateway';
import { TEST_TLS } from '../support/tls';
import { TestClient } from '../support/ws-client';
import {
  AppProcess,
  GATEWAY_ENTRY,
  ensureBuilt,
  scrapeAll,
  startApp,
  startGatewayProcess,
  streamUrl,
} from '../ops/app-process';

const NAMESPACE = `test-upstream-tls-${process.pid}`;
const DEEPGRAM_KEY = `dg-tls-${process.pid}-5eedc0de`;
const TEXTS = ['Hello there.', 'Good morning, everyone.', 'See you tomorrow.'];

/** The built gateway, trusting the test certificate as an operator would a private CA. */
const startTrustingGateway = (deepgramUrl: string): Promise<AppProcess> =>
  startGatewayProcess({
    DEEPGRAM_URL: deepgramUrl,
    DEEPGRAM_API_KEY: DEEPGRAM_KEY,
    NODE_EXTRA_CA_CERTS: TEST_TLS.cert,
    AUTH_DISABLED: 'true',
    REDIS_URL: TEST_REDIS_URL,
    BULLMQ_PREFIX: NAMESPACE,
    // One upstream connection per session, opened when the session starts: each is a handshake of its own.
    UPSTREAM_POOL_SIZE: '0',
  });

/** The key exchange group a TLS client of this Node.js negotiates with the server at a wss:// URL. */
async function negotiatedGroup(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port), ca: readFileSync(TEST_TLS.cert) });
  await once(socket, 'secureConnect');
  const info = socket.getEphemeralKeyInfo();
  socket.destroy();
  return (info && 'name' in info && info.name) || 'none';
}

/** The gateway's tts_gateway_upstream_tls_handshakes_total samples, by their labels. */
async function tlsHandshakeSamples(app: AppProcess): Promise<Record<string, number>> {
  const samples: Record<string, number> = {};
  for (const [name, value] of await scrapeAll(app)) {
    const labels = /^tts_gateway_upstream_tls_handshakes_total\{(.*)\}$/.exec(name)?.[1];
    if (labels !== undefined) samples[labels] = value;
  }
  return samples;
}

/**
 * Deepgram is wss:// only: the gateway as a real process (its production build, trusting the test
 * certificate through NODE_EXTRA_CA_CERTS as an operator would a private CA) relays over TLS, and
 * resumes the TLS session of an earlier connection instead of a full handshake each time.
 */
describe('a wss:// upstream (Deepgram over TLS)', () => {
  let emulator: RunningEmulator;
  let gateway: AppProcess;
  let untrusting: AppProcess | undefined;
  let byName: AppProcess | undefined;

  beforeAll(async () => {
    await ensureBuilt([GATEWAY_ENTRY]);
    emulator = await startTestEmulator({
      apiKey: DEEPGRAM_KEY,
      tls: { cert: readFileSync(TEST_TLS.cert), key: readFileSync(TEST_TLS.key) },
    });
    gateway = await startTrustingGateway(emulator.url);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), untrusting?.stop(), byName?.stop()]);
    await emulator?.close();
    await cleanupFunding();
    await deleteNamespace(NAMESPACE);
  });

  it('relays every session over TLS, and every handshake after the first resumes a TLS session', async () => {
    expect(emulator.url).toMatch(/^wss:\/\//);
    // Readiness already checked the key with one handshake: the first, and a full one.
    expect(emulator.connections.map((c) => c.tlsResumed)).toEqual([false]);

    for (const [i, text] of TEXTS.entries()) {
      const query = { company_id: `${NAMESPACE}-co`, user_id: `u${i}`, session_id: `s${i}` };
      await fundCompany(query.company_id, 1000, NAMESPACE);
      const client = await TestClient.connect(streamUrl(gateway, query));
      client.send({ container: 'none' });
      client.send({ type: 'Speak', text });
      client.send({ type: 'Flush' });
      await client.waitFor('Flushed');
      client.send({ type: 'Close' });
      expect((await client.waitForClose()).code).toBe(1000);
      const audio = client.audio.reduce((sum, frame) => sum + frame.length, 0);
      expect(audio).toBe(expectedAudioBytes(text, 'linear16', 16000));
    }

    const sessions = emulator.connections.slice(1);
    expect(sessions.map((c) => c.received.filter((m) => m.includes('"Speak"')).length)).toEqual([1, 1, 1]);
    expect(sessions.map((c) => c.tlsResumed)).toEqual([true, true, true]);
    // An IP address in DEEPGRAM_URL: no host name to ask for.
    expect(emulator.connections.map((c) => c.tlsServerName)).toEqual([undefined, undefined, undefined, undefined]);

    // What an operator sees of it: one full handshake and three resumed, under the key exchange group
    // this Node.js (the gateway's) negotiates with this server: X25519MLKEM768 where both have it.
    const group = await negotiatedGroup(emulator.url);
    expect(await tlsHandshakeSamples(gateway)).toEqual({
      [`resumed="false",group="${group}"`]: 1,
      [`resumed="true",group="${group}"`]: 3,
    });
  });

  it("asks for Deepgram's host name (SNI), which a TLS front end needs to pick the certificate, and resumes there too", async () => {
    const url = emulator.url.replace('//127.0.0.1:', '//localhost:'); // the certificate names both
    byName = await startTrustingGateway(url);
    const before = emulator.connections.length - 1; // its readiness handshake is already here
    for (const i of [1, 2]) {
      const query = { company_id: `${NAMESPACE}-co`, user_id: `u-name${i}`, session_id: `s-name${i}` };
      await fundCompany(query.company_id, 1000, NAMESPACE);
      const client = await TestClient.connect(streamUrl(byName, query));
      client.send({ type: 'Speak', text: 'Hello there.' });
      client.send({ type: 'Flush' });
      await client.waitFor('Flushed');
      client.send({ type: 'Close' });
      expect((await client.waitForClose()).code).toBe(1000);
    }
    const mine = emulator.connections.slice(before);
    expect(mine.map((c) => [c.tlsServerName, c.tlsResumed])).toEqual([
      ['localhost', false],
      ['localhost', true],
      ['localhost', true],
    ]);
  });

  it('does not trust a certificate it cannot verify: not ready, and a session ends with an error that says why', async () => {
    // No NODE_EXTRA_CA_CERTS: the emulator's self-signed certificate is what an intercepting proxy would present.
    untrusting = await startApp(
      'gateway',
      GATEWAY_ENTRY,
      'GATEWAY_PORT',
      {
        DEEPGRAM_URL: emulator.url,
        DEEPGRAM_API_KEY: DEEPGRAM_KEY,
        AUTH_DISABLED: 'true',
        REDIS_URL: TEST_REDIS_URL,
        BULLMQ_PREFIX: NAMESPACE,
        UPSTREAM_POOL_SIZE: '0',
      },
      20_000,
      '/health/live',
    );
    const before = emulator.connections.length;
    const ready = await fetch(`${untrusting.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { details: Record<string, unknown> }).details.upstream_key).toEqual({
      status: 'down',
      key: 'unverified',
      message: 'upstream certificate not accepted (DEPTH_ZERO_SELF_SIGNED_CERT)',
    });

    const query = { company_id: `${NAMESPACE}-co`, user_id: 'u-untrusting', session_id: 's-untrusting' };
    await fundCompany(query.company_id, 1000, NAMESPACE);
    const client = await TestClient.connect(streamUrl(untrusting, query));
    client.send({ type: 'Speak', text: 'Hello there.' });
    client.send({ type: 'Flush' });
    expect((await client.waitForClose()).code).toBe(1011);
    expect(client.texts).toEqual([
      { type: 'error', code: 'upstream_error', message: 'could not connect to Deepgram: DEPTH_ZERO_SELF_SIGNED_CERT' },
    ]);
    expect(client.audio).toEqual([]);
    // The handshake failed before any upgrade: Deepgram would have received neither key nor text.
    expect(emulator.connections.length).toBe(before);
  });
});
