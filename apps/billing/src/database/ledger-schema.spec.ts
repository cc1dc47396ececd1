import { CONSTRAINED_CONTAINERS, CONSTRAINED_ENCODINGS } from './migrations/1764600000000-ledger-constraints';
import { BYTES_PER_SAMPLE_SQL, LEDGER_CONTAINERS, LEDGER_ENCODINGS } from './ledger-schema';

describe('ledger schema', () => {
  it('has the database accept exactly the encodings and containers the code knows (add a migration to widen it)', () => {
    expect([...LEDGER_ENCODINGS].sort()).toEqual([...CONSTRAINED_ENCODINGS].sort());
    expect([...LEDGER_CONTAINERS].sort()).toEqual([...CONSTRAINED_CONTAINERS].sort());
  });

  it('derives bytes per sample in SQL from the audio library', () => {
    expect(BYTES_PER_SAMPLE_SQL).toBe(
      `CASE encoding WHEN 'linear16' THEN 2 WHEN 'mulaw' THEN 1 WHEN 'alaw' THEN 1 END`,
    );
  });
});
