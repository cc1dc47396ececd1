import { Socket } from 'net';
import { ActiveSessions } from '../../apps/gateway/src/session/active-sessions.service';
import { expectedAudioBytes } from '../support/emulator';
import { TestGateway, fundCompany, useRelayStack } from '../support/gateway';
import { TestClient } from '../support/ws-client';
import { isDefined, pollUntil } from '../support/poll';

const PREFIX = `limits-clients-${process.pid}-${Date.now()}`;
const SLOW_TIMEOUT_MS = 1000;
const FLUSHES = 12;
/** Filling the kernel's socket buffers, then the high-water mark, then the slow timeout (generous on 2 busy cores). */
const SLOW_BOUND_MS = SLOW_TIMEOUT_MS + 7000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connect(gateway: TestGateway, name: string): Promise<TestClient> {
  const companyId = `${PREFIX}-${name}`;
  await fundCompany(companyId);
  return TestClient.connect(gateway.streamUrl({ company_id: companyId, user_id: name, session_id: name }));
}

/** The TCP socket under a ws client: pausing it is a client that stops reading. */
const tcp = (client: TestClient) => (client.ws as unknown as { _socket: Socket })._socket;

describe('clients that misbehave in time: silence', () => {
  let impatient: TestGateway;

  useRelayStack((stack) => ({ gateway: impatient } = stack), { gateway: { IDLE_TIMEOUT_MS: '1000' } });

  it('ends a socket that never sends anything with idle_timeout 4408', async () => {
    const silent = await connect(impatient, 'silent');
    const openedAt = Date.now();
    expect(await silent.waitFor('error', 5000)).toMatchObject({ code: 'idle_timeout' });
    expect((await silent.waitForClose()).code).toBe(4408);
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(900);
    expect(Date.now() - openedAt).toBeLessThan(4000);
  });
});

describe('clients that misbehave in time', () => {
  let gateway: TestGateway;

  useRelayStack((stack) => ({ gateway } = stack), {
    gateway: {
      CLIENT_BUFFER_HIGH_BYTES: '65536',
      CLIENT_BUFFER_LOW_BYTES: '16384',
      CLIENT_SLOW_TIMEOUT_MS: String(SLOW_TIMEOUT_MS),
      DRAIN_TIMEOUT_MS: '1000',
    },
  });

  it('ends a client that stops reading within a bound, while another session streams unaffected', async () => {
    const slow = await connect(gateway, 'slow');
    slow.send({ container: 'none', encoding: 'linear16', sample_rate: 16000 });
    await slow.waitFor('status');
    tcp(slow).pause();
    // ~14 MB of audio, far beyond kernel socket buffers, in 12 flushes (the emulator runs in this process:
    // per-flush synthesis stays short).
    const text = 'Una frase larga que nadie va a escuchar nunca. '.repeat(12);
    for (let i = 0; i < FLUSHES; i++) {
      slow.send({ type: 'Speak', text });
      slow.send({ type: 'Flush' });
    }
    const stalledAt = Date.now();
    const sessions = gateway.app.get(ActiveSessions);
    let slowEnded = false;
    const slowEndedAt = pollUntil(
      () => (sessions.ofCompany(`${PREFIX}-slow`).length === 0 ? Date.now() : undefined),
      isDefined,
      SLOW_BOUND_MS,
    );
    slowEndedAt.then(() => (slowEnded = true)).catch(() => undefined);

    // Meanwhile a good client keeps talking, before and after the gateway gives up on the slow one.
    const good = await connect(gateway, 'good');
    good.send({ container: 'none', encoding: 'linear16', sample_rate: 16000 });
    const sentences: string[] = [];
    // At most 17 turns: the relay holds Flushes beyond 20 a minute.
    for (let i = 1, after = 0; after < 2 && i <= 17; i++, after += slowEnded ? 1 : 0) {
      sentences.push(`Turn ${i} is heard in full.`);
      good.send({ type: 'Speak', text: sentences[i - 1] });
      good.send({ type: 'Flush' });
      await good.waitFor('Flushed', 10_000, i);
      await sleep(250);
    }

    // The gateway gave up on the slow client: its session is gone, not buffering without bound.
    expect((await slowEndedAt) - stalledAt).toBeLessThan(SLOW_BOUND_MS);
    expect(sessions.ofCompany(`${PREFIX}-good`)).toHaveLength(1);

    // When the slow client finally reads, it finds part of its audio and a closed socket.
    tcp(slow).resume();
    const close = await slow.waitForClose(5000);
    expect([1008, 1006]).toContain(close.code);
    const received = slow.audio.reduce((n, f) => n + f.length, 0);
    expect(received).toBeLessThan(FLUSHES * expectedAudioBytes(text, 'linear16', 16000));

    const goodBytes = good.audio.reduce((n, f) => n + f.length, 0);
    expect(goodBytes).toBe(sentences.reduce((n, s) => n + expectedAudioBytes(s, 'linear16', 16000), 0));
    expect(good.texts.filter((m) => m.type === 'error')).toEqual([]);
    good.send({ type: 'Close' });
    expect((await good.waitForClose()).code).toBe(1000);
  }, 45_000);
});
