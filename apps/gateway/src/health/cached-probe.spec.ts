import { CachedProbe, ProbeResult } from './cached-probe';

const up: ProbeResult = { ok: true, detail: { key: 'accepted' }, ttlMs: 60_000 };

describe(CachedProbe.name, () => {
  it('reports a synchronously throwing probe as down, then recovers on the next call', async () => {
    let calls = 0;
    const probe = new CachedProbe(() => {
      calls++;
      if (calls === 1) throw new TypeError('Invalid URL: ::bad');
      return Promise.resolve(up);
    });
    const first = await probe.result();
    expect(first.ok).toBe(false);
    expect(first.detail.message).toBe('probe failed (TypeError)');
    expect(await probe.result()).toMatchObject(up);
    expect(calls).toBe(2);
  });

  it('reports a rejecting probe as down, then recovers on the next call', async () => {
    let calls = 0;
    const probe = new CachedProbe(async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' });
      return up;
    });
    expect((await probe.result()).detail).toEqual({ message: 'probe failed (ECONNREFUSED)' });
    expect(await probe.result()).toMatchObject(up);
  });

  it('keeps a good result for its TTL and shares one probe among concurrent callers', async () => {
    let calls = 0;
    const probe = new CachedProbe(async () => {
      calls++;
      return up;
    });
    const results = await Promise.all([probe.result(), probe.result(), probe.result()]);
    expect(results).toEqual([up, up, up]);
    expect(await probe.result()).toMatchObject(up);
    expect(calls).toBe(1);
  });
});
