import { upstreamUrl } from './upstream-url';

describe(upstreamUrl.name, () => {
  it('adds model, encoding and sample_rate and keeps the base query', () => {
    const sut = new URL(
      upstreamUrl('ws://127.0.0.1:9/v1/speak?fault=refuse&fault_status=401', {
        model: 'aura-2-estrella-es',
        encoding: 'linear16',
        sample_rate: 16000,
      }),
    );
    expect(sut.pathname).toBe('/v1/speak');
    expect(Object.fromEntries(sut.searchParams)).toEqual({
      fault: 'refuse',
      fault_status: '401',
      model: 'aura-2-estrella-es',
      encoding: 'linear16',
      sample_rate: '16000',
    });
  });

  it('drops the REST-only container and bit_rate from the base URL', () => {
    const sut = new URL(
      upstreamUrl('wss://api.deepgram.com/v1/speak?container=wav&bit_rate=48000&mip_opt_out=true', {
        model: 'aura-2-thalia-en',
        encoding: 'mulaw',
        sample_rate: 8000,
      }),
    );
    expect(Object.fromEntries(sut.searchParams)).toEqual({
      mip_opt_out: 'true',
      model: 'aura-2-thalia-en',
      encoding: 'mulaw',
      sample_rate: '8000',
    });
  });

  it("sends the session's speed, and never a speed the session did not choose", () => {
    const config = { model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: 16000 } as const;
    const base = 'ws://127.0.0.1:9/v1/speak?speed=0.5';
    expect(new URL(upstreamUrl(base, { ...config, speed: 1.25 })).searchParams.get('speed')).toBe('1.25');
    expect(new URL(upstreamUrl(base, config)).searchParams.has('speed')).toBe(false);
  });

  it('gives each configuration and base its own URL, however many configurations come and go', () => {
    const config = { model: 'aura-2-thalia-en', encoding: 'linear16', sample_rate: 16000 } as const;
    const speeds = Array.from({ length: 600 }, (_, i) => 0.7 + i / 1000);
    for (const round of [1, 2]) {
      for (const speed of speeds) {
        const url = new URL(upstreamUrl('ws://a.test/v1/speak', { ...config, speed }));
        expect([round, url.host, url.searchParams.get('speed')]).toEqual([round, 'a.test', String(speed)]);
      }
    }
    expect(new URL(upstreamUrl('ws://b.test/v1/speak', config)).host).toBe('b.test');
    expect(
      new URL(upstreamUrl('ws://a.test/v1/speak', { ...config, encoding: 'mulaw' })).searchParams.get('encoding'),
    ).toBe('mulaw');
  });
});
