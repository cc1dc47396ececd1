import {
  UPSTREAM_FAILURE_LABELS,
  UpstreamFailure,
  isBusyRefusal,
  isRestorable,
  upstreamFailureLabel,
  upstreamFailureMessage,
} from './upstream-failure';

describe('upstream failures', () => {
  it.each<[UpstreamFailure, string, string]>([
    [
      { kind: 'closed', closeCode: 1008, reason: 'DATA-0001' },
      'data',
      'Deepgram closed the connection (1008 DATA-0001)',
    ],
    [{ kind: 'closed', closeCode: 1003, reason: 'MESSAGE-0000' }, 'data', '(1003 MESSAGE-0000)'],
    [{ kind: 'closed', closeCode: 1009, reason: 'BIG-0001' }, 'too_large', '(1009 BIG-0001)'],
    [{ kind: 'closed', closeCode: 1011, reason: 'NET-0000' }, 'network', '(1011 NET-0000)'],
    [{ kind: 'closed', closeCode: 4000, reason: '' }, 'other', 'Deepgram closed the connection (4000)'],
    [{ kind: 'lost', closeCode: 1006, reason: 'connection lost' }, 'network', 'Deepgram connection lost'],
    [
      { kind: 'refused', httpStatus: 401, dgError: 'Invalid credentials.', reason: 'Invalid credentials.' },
      'auth',
      'Deepgram refused the connection (HTTP 401): Invalid credentials.',
    ],
    [{ kind: 'refused', httpStatus: 403, reason: 'upgrade refused' }, 'auth', 'HTTP 403'],
    [{ kind: 'refused', httpStatus: 503, dgError: 'busy', reason: 'busy' }, 'refused', '(HTTP 503): busy'],
    [
      { kind: 'timeout', reason: 'upstream connect timeout' },
      'timeout',
      'could not connect to Deepgram: upstream connect timeout',
    ],
    [
      { kind: 'unreachable', reason: 'ECONNREFUSED', detail: 'connect ECONNREFUSED 10.1.2.3:443' },
      'unreachable',
      'could not connect to Deepgram: ECONNREFUSED',
    ],
    [
      { kind: 'lost', closeCode: 1006, reason: 'ECONNRESET', detail: 'read ECONNRESET 10.1.2.3:443' },
      'network',
      'Deepgram connection lost (1006 ECONNRESET)',
    ],
  ])('%j -> label %s, message "%s"', (failure, label, message) => {
    expect(upstreamFailureLabel(failure)).toBe(label);
    expect(UPSTREAM_FAILURE_LABELS).toContain(upstreamFailureLabel(failure));
    expect(upstreamFailureMessage(failure)).toContain(message);
    expect(upstreamFailureMessage(failure)).not.toContain('10.1.2.3'); // the socket's text is for the log only
  });

  it('reopens only an opened connection that owed nothing and was not closed for what we sent', () => {
    const idle: UpstreamFailure = { kind: 'closed', closeCode: 1011, reason: 'NET-0001' };
    expect(isRestorable(idle, true, false)).toBe(true);
    expect(isRestorable({ kind: 'lost', closeCode: 1006, reason: 'x' }, true, false)).toBe(true);
    expect(isRestorable(idle, true, true)).toBe(false);
    expect(isRestorable(idle, false, false)).toBe(false);
    for (const closeCode of [1003, 1008, 1009]) {
      expect(isRestorable({ kind: 'closed', closeCode, reason: '' }, true, false)).toBe(false);
    }
  });

  it('takes only an HTTP 429 at the upgrade for a busy project (worth another try)', () => {
    expect(isBusyRefusal({ kind: 'refused', httpStatus: 429, reason: 'x' })).toBe(true);
    expect(isBusyRefusal({ kind: 'refused', httpStatus: 503, reason: 'x' })).toBe(false);
    expect(isBusyRefusal({ kind: 'refused', httpStatus: 401, reason: 'x' })).toBe(false);
    expect(isBusyRefusal({ kind: 'closed', closeCode: 1011, reason: 'NET-0001' })).toBe(false);
  });
});
