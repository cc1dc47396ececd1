import { ErrorCode, SessionError } from '@tts/protocol';
import { ActiveSessions } from '../../apps/gateway/src/session/active-sessions.service';
import { SessionHooks } from '../../apps/gateway/src/session/session-hooks.service';
import { SessionInfo, SessionTap } from '../../apps/gateway/src/session/session-hooks';
import { RelayGateway } from '../../apps/gateway/src/relay/relay.gateway';
import { expectedAudioBytes } from '../support/emulator';
import { TestGateway, connectClient, useRelayStack } from '../support/gateway';

const PREFIX = 'relay-hooks';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TapRecord {
  info: SessionInfo;
  audio: number;
  text: number;
  latencies: number[];
  endedAt?: number;
}

/** How the relay honours the SessionHooks contract the auth, limits, credits and metering modules rely on. */
describe('gateway relay: session hooks contract', () => {
  let gateway: TestGateway;
  let sessions: ActiveSessions;
  const releases = new Map<string, number>();
  const taps = new Map<string, TapRecord>();
  const calls: string[] = [];

  useRelayStack((stack) => ({ gateway } = stack));
  beforeAll(() => {
    const hooks = gateway.app.get(SessionHooks);
    sessions = gateway.app.get(ActiveSessions);
    // Probes after the real pipeline steps, which pass here (auth off, funded company, no drain).
    hooks.appendAdmission({
      admit: async ({ query }) => {
        calls.push(`first:${query.session_id}`);
        if (query.user_id === 'slow') await sleep(300);
        return () => void releases.set(query.company_id, (releases.get(query.company_id) ?? 0) + 1);
      },
    });
    hooks.appendAdmission({
      admit: async ({ query }) => {
        calls.push(`second:${query.session_id}`);
        if (query.user_id === 'refused') throw new SessionError(ErrorCode.Forbidden, 'not this user');
      },
    });
    hooks.appendAdmission({
      admit: async ({ query }) => void calls.push(`third:${query.session_id}`),
    });
    hooks.addObserver({
      onSessionStart: (info): SessionTap => {
        const record: TapRecord = { info, audio: 0, text: 0, latencies: [] };
        taps.set(info.query.company_id, record);
        return {
          audioDelivered: (bytes) => (record.audio += bytes),
          textSent: (chars) => (record.text += chars),
          flushLatency: (ms) => record.latencies.push(ms),
          end: async () => {
            await sleep(150);
            record.endedAt = Date.now();
          },
        };
      },
    });
    hooks.addObserver({
      onSessionStart: ({ query }): SessionTap => ({
        audioDelivered: () => {
          if (query.session_id === 'faulty') throw new Error('a buggy extension');
        },
        textSent: () => undefined,
        end: async () => undefined,
      }),
    });
  });

  it('runs admissions in order, holds early frames, feeds the taps and ends them before `closed`', async () => {
    const client = await connectClient(gateway, PREFIX, { user_id: 'slow', session_id: 'held' });
    const text = 'Mensajes enviados mientras la admisión sigue en curso.';
    client.send({ type: 'Speak', text });
    client.send({ type: 'Flush' });
    client.send({ type: 'Close' });
    const closed = await client.waitFor((m) => m.type === 'status' && m.message === 'closed');
    const closedAt = Date.now();
    expect(calls.filter((c) => c.endsWith(':held'))).toEqual(['first:held', 'second:held', 'third:held']);

    const company = [...taps.keys()].find((id) => taps.get(id)!.info.query.session_id === 'held')!;
    const tap = taps.get(company)!;
    const bytes = expectedAudioBytes(text, 'linear16', 16000);
    expect(tap).toMatchObject({ audio: bytes, text: text.length });
    expect(closed.usage).toMatchObject({ audio_bytes: bytes });
    expect(tap.latencies).toHaveLength(1);
    expect(tap.endedAt).toBeLessThanOrEqual(closedAt);
    expect((await client.waitForClose()).code).toBe(1000);
    await sleep(50);
    expect(releases.get(company)).toBe(1);
    expect(sessions.ofCompany(company)).toHaveLength(0);
  });

  it('sends a refusing admission’s error and close code, skips later ones and releases earlier ones', async () => {
    const company = `${PREFIX}-refused-${process.pid}`;
    const client = await connectClient(gateway, PREFIX, {
      company_id: company,
      user_id: 'refused',
      session_id: 'refused',
    });
    expect(await client.waitFor('error')).toMatchObject({ code: 'forbidden', message: 'not this user' });
    expect((await client.waitForClose()).code).toBe(4403);
    expect(calls.filter((c) => c.endsWith(':refused'))).toEqual(['first:refused', 'second:refused']);
    await sleep(20);
    expect(releases.get(company)).toBe(1);
    expect(taps.has(company)).toBe(false);
  });

  it('lets an extension terminate a company’s sessions (credits) with the right code', async () => {
    const client = await connectClient(gateway, PREFIX, { session_id: 'depleted' });
    client.send({ type: 'Speak', text: 'Hola.' });
    await client.waitFor('status');
    const company = [...taps.keys()].find((id) => taps.get(id)!.info.query.session_id === 'depleted')!;
    expect(sessions.ofCompany(company)).toHaveLength(1);
    expect(sessions.terminateCompany(company, ErrorCode.InsufficientCredits, 'credits exhausted')).toBe(1);
    expect(await client.waitFor('error')).toMatchObject({ code: 'insufficient_credits' });
    expect((await client.waitForClose()).code).toBe(4402);
    await sleep(200);
    expect(releases.get(company)).toBe(1);
    expect(taps.get(company)!.endedAt).toBeDefined();
    expect(sessions.ofCompany(company)).toHaveLength(0);
  });

  it('ends only the session whose extension throws, and keeps serving others', async () => {
    const faulty = await connectClient(gateway, PREFIX, { session_id: 'faulty' });
    faulty.send({ type: 'Speak', text: 'Hola.' });
    faulty.send({ type: 'Flush' });
    expect(await faulty.waitFor('error')).toMatchObject({ code: 'upstream_error', message: 'internal relay error' });
    expect((await faulty.waitForClose()).code).toBe(1011);

    const healthy = await connectClient(gateway, PREFIX);
    healthy.send({ type: 'Speak', text: 'Sigo funcionando.' });
    healthy.send({ type: 'Flush' });
    await healthy.waitFor('Flushed');
    healthy.close();
  });

  it('ends every session with server_shutdown 1001 for the drain', async () => {
    const clients = await Promise.all([1, 2].map(() => connectClient(gateway, PREFIX)));
    await Promise.all(clients.map((c) => (c.send({ type: 'Speak', text: 'Hola.' }), c.waitFor('status'))));
    expect(gateway.app.get(RelayGateway).terminateAll()).toBeGreaterThanOrEqual(2);
    for (const client of clients) {
      expect(await client.waitFor('error')).toMatchObject({ code: 'server_shutdown' });
      expect((await client.waitForClose()).code).toBe(1001);
    }
  });
});
