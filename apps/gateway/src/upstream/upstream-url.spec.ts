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
});
