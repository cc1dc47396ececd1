import { USAGE_LEDGER_TEXT_WIDTH } from '../database/ledger-schema';
import { usageEventProblems } from './usage-event.validator';

describe(usageEventProblems.name, () => {
  const valid = {
    event_id: 'c:0',
    company_id: 'co',
    user_id: 'u',
    session_id: 's',
    connection_id: 'c',
    gateway_id: 'gw',
    model: 'aura-2-thalia-en',
    encoding: 'alaw',
    sample_rate: 16000,
    container: 'wav',
    audio_bytes: 10,
    characters: 0,
    interval_start: '2026-01-01T00:00:00.000Z',
    interval_end: '2026-01-01T00:00:05.000Z',
    final: true,
  };

  it('accepts a well-formed event', () => {
    expect(usageEventProblems(valid)).toEqual([]);
  });

  it('names what makes an event unusable', () => {
    expect(usageEventProblems(null)).toEqual(['not an object']);
    expect(
      usageEventProblems({
        ...valid,
        company_id: '',
        sample_rate: 24000,
        audio_bytes: -1,
        interval_end: 'soon',
        final: 1,
      }),
    ).toEqual([
      'company_id must be a string of 1 to 128 characters',
      'sample_rate is not valid',
      'audio_bytes must be a non-negative integer',
      'interval_end must be an ISO-8601 date-time with Z or an offset, years 1-9999',
      'final must be a boolean',
    ]);
    expect(usageEventProblems({ ...valid, encoding: 'opus' })).toEqual(['encoding is unknown']);
    expect(usageEventProblems({ ...valid, user_id: 'a\u0000b' })).toEqual(['user_id must not contain NUL']);
  });

  it('refuses times Postgres would misread or refuse on every retry, and takes any zone or precision it reads exactly', () => {
    // A bare number, a 6-digit year, no zone (Postgres would use its own), a day that does not exist, year 0.
    for (const bad of [
      '1',
      '+010000-01-01T00:00:00Z',
      '2026-12-01T10:00:00',
      '2026-02-30T00:00:00Z',
      '0000-06-01T00:00:00Z',
      '2026-12-01',
      '2026-12-01T10:00:00+16:00', // Date reads it; Postgres refuses offsets over 15:59
      '2026-12-01T10:00:00-23:59',
    ]) {
      expect(usageEventProblems({ ...valid, interval_start: bad })).toEqual([
        'interval_start must be an ISO-8601 date-time with Z or an offset, years 1-9999',
      ]);
    }
    for (const good of [
      '2026-12-01T10:00:00.123456Z',
      '2026-12-01T10:00:00+05:30',
      '2026-12-01T10:00Z',
      '2026-12-01T10:00:00+15:59',
      '2026-12-01T10:00:00-15:59',
    ]) {
      expect(usageEventProblems({ ...valid, interval_start: good })).toEqual([]);
    }
  });

  it('refuses text longer than its limit (the ledger column, checked in ledger-exactly-once e2e)', () => {
    for (const [field, length] of Object.entries(USAGE_LEDGER_TEXT_WIDTH)) {
      expect(usageEventProblems({ ...valid, [field]: 'x'.repeat(length) })).toEqual([]);
      expect(usageEventProblems({ ...valid, [field]: 'x'.repeat(length + 1) })).toEqual([
        `${field} must be a string of 1 to ${length} characters`,
      ]);
    }
  });
});
