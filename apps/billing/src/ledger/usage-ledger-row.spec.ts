import { UsageEvent } from '@tts/protocol';
import { INSERT_USAGE_ROWS_SQL, usageLedgerRow } from './usage-ledger-row';

describe(usageLedgerRow.name, () => {
  // Every field a different value, so a field written into another column cannot go unnoticed.
  const event: UsageEvent = {
    event_id: 'event-id',
    company_id: 'company-id',
    user_id: 'user-id',
    session_id: 'session-id',
    connection_id: 'connection-id',
    gateway_id: 'gateway-id',
    model: 'model',
    encoding: 'mulaw',
    sample_rate: 8000,
    container: 'none',
    audio_bytes: 12345,
    characters: 678,
    interval_start: '2026-11-30T10:00:00.000Z',
    interval_end: '2026-11-30T10:00:05.000Z',
    final: true,
  };
  const charge = { seconds: '1.5', credits: '0.025', creditUnits: 25n * 10n ** 15n };
  const sut = usageLedgerRow(event, charge, '1.000000', '42');

  it.each(Object.keys(event) as Array<keyof UsageEvent>)('writes the event field %s into its own column', (field) => {
    expect(sut[field]).toBe(event[field]);
  });

  it('writes the charge, the price and the balance version into theirs', () => {
    expect(sut).toMatchObject({
      seconds: '1.5',
      credits: '0.025',
      credits_per_minute: '1.000000',
      balance_version: '42',
    });
  });

  it('names every column of the row in the insert, in the column list and the record type alike', () => {
    for (const column of Object.keys(sut)) {
      expect(INSERT_USAGE_ROWS_SQL).toMatch(new RegExp(`INSERT INTO usage_ledger \\([^)]*\\b${column}\\b`));
      expect(INSERT_USAGE_ROWS_SQL).toMatch(new RegExp(`AS u\\([^)]*\\b${column} \\w+`));
    }
  });
});
