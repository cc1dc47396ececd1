import { IncomingMessage } from 'http';
import { SessionInfo } from '../session/session-hooks';
import { MeteredSession } from './metered-session';

describe(MeteredSession.name, () => {
  const openedAt = new Date('2026-01-01T00:00:00Z');
  const info = {
    connectionId: 'conn-1',
    gatewayId: 'gw-1',
    query: { company_id: 'co', user_id: 'u', session_id: 's' },
    request: {} as IncomingMessage,
    openedAt,
  } as SessionInfo;
  const config = {
    model: 'aura-2-thalia-en',
    encoding: 'mulaw',
    sample_rate: 8000,
    container: 'none',
    language: 'en',
  } as const;
  const at = (s: number) => new Date(openedAt.getTime() + s * 1000);

  it('turns counters into consecutive intervals and a final event', async () => {
    const sut = new MeteredSession(info, config, async () => undefined);
    sut.textSent(5);
    sut.audioDelivered(800);
    sut.audioDelivered(200);
    expect(sut.takeInterval(at(5))).toMatchObject({
      event_id: 'conn-1:0',
      audio_bytes: 1000,
      characters: 5,
      interval_start: openedAt.toISOString(),
      interval_end: at(5).toISOString(),
      final: false,
    });
    expect(sut.takeInterval(at(10))).toBeUndefined(); // nothing new: no event
    sut.textSent(3);
    expect(sut.takeInterval(at(15))).toBeUndefined(); // characters alone wait for audio
    sut.audioDelivered(8);
    expect(sut.takeFinal(at(16))).toMatchObject({
      event_id: 'conn-1:1',
      audio_bytes: 8,
      characters: 3,
      interval_start: at(5).toISOString(),
      final: true,
    });
  });

  it('sends no final event for a session that never reported anything', () => {
    const sut = new MeteredSession(info, config, async () => undefined);
    expect(sut.takeFinal(at(1))).toBeUndefined();
  });

  it('ends once', async () => {
    let ends = 0;
    const sut = new MeteredSession(info, config, async () => void ends++);
    await Promise.all([sut.end(), sut.end()]);
    expect(ends).toBe(1);
  });
});
