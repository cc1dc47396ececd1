import { UPSTREAM_ERROR_CLASSES, upstreamErrorClass } from './upstream-error-class';

describe(upstreamErrorClass.name, () => {
  it.each([
    ['1011 NET-0001: idle connection closed', 'network'],
    ['upstream closed with 1006', 'network'],
    ['Deepgram closed the connection (1006 connection lost)', 'network'],
    ['Deepgram refused the connection (HTTP 401): Invalid credentials.', 'auth'],
    ['Deepgram refused the connection (HTTP 503): Refused by fault injection.', 'refused'],
    ['1008 DATA-0000: unknown message type', 'data'],
    ['1009 BIG-0001: text too long', 'too_large'],
    ['upstream handshake timed out after 10000 ms', 'timeout'],
    ['connect ECONNREFUSED 127.0.0.1:8090', 'unreachable'],
    ['getaddrinfo ENOTFOUND api.deepgram.com', 'unreachable'],
    ['401 INVALID_AUTH: Invalid credentials.', 'auth'],
    ['Unexpected server response: 403', 'auth'],
    ['Unexpected server response: 503', 'refused'],
    ['429 TOO_MANY_REQUESTS', 'refused'],
    ['something odd happened', 'other'],
  ])('%s -> %s', (reason, expected) => {
    expect(upstreamErrorClass(reason)).toBe(expected);
  });

  it('never returns a value outside the bounded label set', () => {
    for (const reason of ['', 'req 8d1c-4f NET-9999', 'x'.repeat(500), '1009', '200 OK']) {
      expect(UPSTREAM_ERROR_CLASSES).toContain(upstreamErrorClass(reason));
    }
  });
});
