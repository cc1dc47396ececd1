import { isCrossSite } from './admin-browser-auth.middleware';

const post = (headers: Record<string, string>) => ({ method: 'POST', headers: { host: 'billing:8081', ...headers } });
const trusted = new Set(['https://billing.example.com']);

describe(isCrossSite.name, () => {
  it('lets a state change through from the Host the request names, or with neither Origin nor Referer', () => {
    expect(isCrossSite(post({ origin: 'http://billing:8081' }))).toBe(false);
    expect(isCrossSite(post({ referer: 'http://billing:8081/admin/queues' }))).toBe(false);
    expect(isCrossSite(post({}))).toBe(false);
    expect(isCrossSite({ method: 'GET', headers: { host: 'billing:8081', origin: 'https://evil.example' } })).toBe(
      false,
    );
  });

  it('refuses another origin, a null origin and a spoofed X-Forwarded-Host', () => {
    expect(isCrossSite(post({ origin: 'https://evil.example' }))).toBe(true);
    expect(isCrossSite(post({ origin: 'null' }))).toBe(true);
    const forwarded = post({ origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' });
    expect(isCrossSite(forwarded, trusted)).toBe(true);
  });

  it('behind a proxy that rewrites Host, accepts the configured public origin only (scheme included)', () => {
    expect(isCrossSite(post({ origin: 'https://billing.example.com' }))).toBe(true);
    expect(isCrossSite(post({ origin: 'https://billing.example.com' }), trusted)).toBe(false);
    expect(isCrossSite(post({ origin: 'https://BILLING.example.com:443' }), trusted)).toBe(false);
    expect(isCrossSite(post({ referer: 'https://billing.example.com/admin/queues/' }), trusted)).toBe(false);
    expect(isCrossSite(post({ origin: 'http://billing.example.com' }), trusted)).toBe(true);
    expect(isCrossSite(post({ origin: 'https://billing.example.com.evil.example' }), trusted)).toBe(true);
  });
});
