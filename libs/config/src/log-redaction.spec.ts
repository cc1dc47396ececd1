import { REDACTED, redactHeaders, redactQuery, redactUrl, requestSerializer } from './log-redaction';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const OPAQUE = 'opaque-secret-0123456789';

describe(redactUrl.name, () => {
  it('keeps ordinary parameters and paths', () => {
    expect(redactUrl('/health/live')).toBe('/health/live');
    expect(redactUrl('/v1/companies/acme/usage?from=2026-01-01&offset=10')).toBe(
      '/v1/companies/acme/usage?from=2026-01-01&offset=10',
    );
  });

  it.each([
    'token',
    'TOKEN',
    'Token',
    '%74oken',
    '%54OKEN',
    'tok%65n',
    '%2574oken',
    'access_token',
    'Access_Token',
    'id_token',
    'refresh_token',
    'api_key',
    'apiKey',
    'X-Api-Key',
    'key',
    'password',
    'client_secret',
    'jwt',
    'token[]',
    'token%5B%5D',
    'auth',
  ])('masks the value of a %s parameter, wherever it sits in the query', (name) => {
    for (const url of [`/x?${name}=${OPAQUE}`, `/x?a=1&${name}=${encodeURIComponent(OPAQUE)}&b=2`]) {
      const safe = redactUrl(url)!;
      expect(safe).not.toContain(OPAQUE);
      expect(safe).toContain(REDACTED);
      expect(safe.includes('a=1') || !url.includes('a=1')).toBe(true);
    }
  });

  it('masks a name that swallowed its value (token%3D<secret>) and a JWT under any name', () => {
    expect(redactUrl(`/x?token%3D${OPAQUE}`)).toBe(`/x?${REDACTED}=${REDACTED}`);
    expect(redactUrl(`/x?t=${JWT}`)).toBe(`/x?t=${REDACTED}`);
    expect(redactUrl(`/client/${JWT}/x.js`)).toBe(`/client/${REDACTED}/x.js`);
  });

  it("masks the process's own secrets, raw or URL-encoded, under any name", () => {
    const secret = 'adm+in/tok=en';
    expect(redactUrl(`/x?q=${secret}&r=${encodeURIComponent(secret)}`, [secret])).toBe(
      `/x?q=${REDACTED}&r=${REDACTED}`,
    );
  });
});

describe(redactQuery.name, () => {
  it('masks credential-named entries of a parsed query, nested ones included', () => {
    expect(redactQuery({ TOKEN: OPAQUE, a: '1', nested: { access_token: OPAQUE }, t: [JWT] })).toEqual({
      TOKEN: REDACTED,
      a: '1',
      nested: { access_token: REDACTED },
      t: [REDACTED],
    });
  });
});

describe(redactHeaders.name, () => {
  it.each([
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-api-key',
    'api-key',
    'x-auth-token',
    'x-csrf-token',
    'x-client-secret',
    'x-tts-signature',
    'x-hub-signature-256',
    'sec-websocket-protocol',
    'x-amzn-oidc-data',
    'x-amzn-oidc-accesstoken',
    'x-amzn-oidc-identity',
  ])('masks the whole %s header', (name) => {
    expect(redactHeaders({ [name]: `Bearer ${OPAQUE}`, accept: '*/*' })).toEqual({ [name]: REDACTED, accept: '*/*' });
  });

  it('masks credential parameters of URL-valued headers and JWTs and secrets under any header', () => {
    const headers = {
      referer: `https://app.example/demo?company_id=c&token=${OPAQUE}`,
      origin: 'https://app.example',
      'x-original-url': `/client/x?%74oken=${OPAQUE}`,
      'x-forwarded-for': '10.0.0.1',
      'x-anything': `v=${JWT}`,
      'x-debug': [`k=${OPAQUE}`],
      'user-agent': 'curl/8',
    };
    expect(redactHeaders(headers, [OPAQUE])).toEqual({
      referer: `https://app.example/demo?company_id=c&token=${REDACTED}`,
      origin: 'https://app.example',
      'x-original-url': `/client/x?${REDACTED}=${REDACTED}`,
      'x-forwarded-for': '10.0.0.1',
      'x-anything': `v=${REDACTED}`,
      'x-debug': [`k=${REDACTED}`],
      'user-agent': 'curl/8',
    });
  });

  it('is applied by the request serializer', () => {
    const req = requestSerializer()({ url: '/x', headers: { 'x-api-key': OPAQUE, referer: `/p?jwt=${OPAQUE}` } });
    expect(JSON.stringify(req)).not.toContain(OPAQUE);
  });
});
